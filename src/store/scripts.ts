/**
 * Lua scripts: Redis runs each one atomically, so a check and the write it guards cannot interleave with
 * another client's. The audit entry is the trailing ARGV (field, value pairs).
 */

/** KEYS: run, lock, audit, service index, all index. ARGV: runId, json, score, audit fields… */
export const CREATE_RUN = `
local holder = redis.call('GET', KEYS[2])
if holder then return {'locked', holder} end
if redis.call('EXISTS', KEYS[1]) == 1 then return {'exists'} end
redis.call('SET', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[1], 'json', ARGV[2], 'revision', '1')
redis.call('ZADD', KEYS[4], ARGV[3], ARGV[1])
redis.call('ZADD', KEYS[5], ARGV[3], ARGV[1])
redis.call('XADD', KEYS[3], '*', unpack(ARGV, 4))
return {'ok'}
`;

/**
 * Compare-and-set. KEYS: run, lock, audit. ARGV: runId, expected revision, json, new revision,
 * lock mode ("hold": the run is active and must hold its service lock; "release": it reached a terminal state),
 * audit fields…
 */
export const SAVE_RUN = `
local revision = redis.call('HGET', KEYS[1], 'revision')
if not revision then return {'missing'} end
if revision ~= ARGV[2] then return {'conflict'} end
if ARGV[5] == 'hold' then
  local holder = redis.call('GET', KEYS[2])
  if holder and holder ~= ARGV[1] then return {'locked', holder} end
  redis.call('SET', KEYS[2], ARGV[1])
end
redis.call('HSET', KEYS[1], 'json', ARGV[3], 'revision', ARGV[4])
if ARGV[5] == 'release' and redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
redis.call('XADD', KEYS[3], '*', unpack(ARGV, 6))
return {'ok'}
`;
