/**
 * Lua scripts: Redis runs each one atomically, so a check and the write it guards cannot interleave with
 * another client's. The audit entry is the trailing ARGV (field, value pairs).
 */

/**
 * KEYS: run, lock, audit, service index, all index, the service's id counter (hash: gen, n).
 * ARGV: runId, json, score, generation and number of the id, owner of the step, audit fields…
 * The id was built from the counter as read before: when the counter moved since ('moved'), the caller builds the
 * next id and tries again; when the service is locked, the counter does not move (no id is used up).
 */
export const CREATE_RUN = `
local holder = redis.call('GET', KEYS[2])
if holder then return {'locked', holder} end
local gen = redis.call('HGET', KEYS[6], 'gen')
local n = tonumber(redis.call('HGET', KEYS[6], 'n') or '0')
if (gen and gen ~= ARGV[4]) or n + 1 ~= tonumber(ARGV[5]) then return {'moved'} end
if redis.call('EXISTS', KEYS[1]) == 1 then return {'exists'} end
redis.call('HSET', KEYS[6], 'gen', ARGV[4], 'n', ARGV[5])
redis.call('SET', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[1], 'json', ARGV[2], 'revision', '1', 'step-owner', ARGV[6])
redis.call('ZADD', KEYS[4], ARGV[3], ARGV[1])
redis.call('ZADD', KEYS[5], ARGV[3], ARGV[1])
redis.call('XADD', KEYS[3], '*', unpack(ARGV, 7))
return {'ok'}
`;

/**
 * Compare-and-set. KEYS: run, lock, audit. ARGV: runId, expected revision, json, new revision,
 * lock mode ("hold": the run is active, or its deploy is being rolled back, and must hold its service lock;
 * "release": it reached a terminal state),
 * the fencing claim (which owner field, "step-owner" or "rollback-owner", or "" for none, and the owner the
 * report claims: refused as 'stale' with the stored owner when another attempt owns it now; a run saved before
 * owners were stored has none and is not fenced), the new step owner and rollback owner,
 * audit fields… (none: the change is saved without an audit entry, as a rollout poll is)
 */
export const SAVE_RUN = `
local revision = redis.call('HGET', KEYS[1], 'revision')
if not revision then return {'missing'} end
if ARGV[6] ~= '' then
  local owner = redis.call('HGET', KEYS[1], ARGV[6])
  if owner and owner ~= ARGV[7] then return {'stale', owner} end
end
if revision ~= ARGV[2] then return {'conflict'} end
if ARGV[5] == 'hold' then
  local holder = redis.call('GET', KEYS[2])
  if holder and holder ~= ARGV[1] then return {'locked', holder} end
  redis.call('SET', KEYS[2], ARGV[1])
end
redis.call('HSET', KEYS[1], 'json', ARGV[3], 'revision', ARGV[4], 'step-owner', ARGV[8], 'rollback-owner', ARGV[9])
if ARGV[5] == 'release' and redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
if #ARGV >= 10 then redis.call('XADD', KEYS[3], '*', unpack(ARGV, 10)) end
return {'ok'}
`;
