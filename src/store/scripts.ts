/**
 * Lua scripts: Redis runs each one atomically, so a check and the write it guards cannot interleave with
 * another client's. The audit entry is the trailing ARGV (field, value pairs).
 */

/**
 * Takes the ids of the service's runs that expired (at most 100 a call, more than one call adds) out of the indexes
 * list reads: KEYS[finished], KEYS[service], KEYS[all] of the calling script, by position.
 */
const PRUNE_FINISHED = `
local function prune_finished(finished, service_index, all_index)
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  local gone = redis.call('ZRANGEBYSCORE', finished, '-inf', now, 'LIMIT', 0, 100)
  if #gone > 0 then
    redis.call('ZREM', finished, unpack(gone))
    redis.call('ZREM', service_index, unpack(gone))
    redis.call('ZREM', all_index, unpack(gone))
  end
  return now
end
`;

/**
 * KEYS: finished runs of the service, service index, all index. Prunes them (see PRUNE_FINISHED).
 */
export const PRUNE_RUNS = `${PRUNE_FINISHED}
prune_finished(KEYS[1], KEYS[2], KEYS[3])
return {'ok'}
`;

/**
 * KEYS: all index, then the finished runs and the index of each service. ARGV: limit. Prunes each service (see
 * PRUNE_FINISHED) and returns the newest `limit` runs of them all, newest first: run id, then the 0-based position
 * of its service among the KEYS' services.
 */
export const NEWEST_RUNS_OF = `${PRUNE_FINISHED}
local limit = tonumber(ARGV[1])
local found = {}
for i = 2, #KEYS, 2 do
  prune_finished(KEYS[i], KEYS[i + 1], KEYS[1])
  local newest = redis.call('ZREVRANGE', KEYS[i + 1], 0, limit - 1, 'WITHSCORES')
  for j = 1, #newest, 2 do
    found[#found + 1] = {newest[j], tonumber(newest[j + 1]), (i - 2) / 2}
  end
end
table.sort(found, function(a, b) return a[2] > b[2] end)
local reply = {}
for j = 1, math.min(limit, #found) do
  reply[#reply + 1] = found[j][1]
  reply[#reply + 1] = tostring(found[j][3])
end
return reply
`;

/**
 * KEYS: run, lock, audit, service index, all index, the service's id counter (hash: gen, n), its finished runs.
 * ARGV: runId, json, score, generation and number of the id, owner of the step, audit fields…
 * The id was built from the counter as read before: when the counter moved since ('moved'), the caller builds the
 * next id and tries again; when the service is locked, the counter does not move (no id is used up).
 */
export const CREATE_RUN = `${PRUNE_FINISHED}
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
prune_finished(KEYS[7], KEYS[4], KEYS[5])
return {'ok'}
`;

/**
 * An audit trail that has no lifetime of its own gets its run's remaining one (a trail never outlives its run). One
 * that has one keeps it: a finished run and its trail expire at the same instant (PEXPIREAT), and reading the run's
 * PTTL to set the trail's with PEXPIRE could add the millisecond Redis's clock moved in between.
 */
const AUDIT_LIFETIME = `
local function give_audit_run_lifetime(run, audit)
  local ttl = redis.call('PTTL', run)
  if ttl > 0 and redis.call('PTTL', audit) == -1 then redis.call('PEXPIRE', audit, ttl) end
end
`;

/**
 * Compare-and-set. KEYS: run, lock, audit, service index, all index, the service's finished runs.
 * ARGV: runId, expected revision, json, new revision,
 * lock mode ("hold": the run is active, or its deploy is being rolled back, and must hold its service lock;
 * "release": it reached a terminal state),
 * the fencing claim (which owner field, "step-owner" or "rollback-owner", or "" for none, and the owner the
 * report claims: refused as 'stale' with the stored owner when another attempt owns it now; a run saved before
 * owners were stored has none and is not fenced), the new step owner and rollback owner,
 * how long a finished run is kept (ms), audit fields… (none: the change is saved without an audit entry, as a
 * rollout poll is).
 * A run that reaches a terminal state gets that lifetime (run and audit, the first time it ends: later notes do not
 * extend it) and its place in the finished index; one that becomes active again (retry, rollback) loses both.
 */
export const SAVE_RUN = `${PRUNE_FINISHED}${AUDIT_LIFETIME}
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
if #ARGV >= 11 then redis.call('XADD', KEYS[3], '*', unpack(ARGV, 11)) end
local now = prune_finished(KEYS[6], KEYS[4], KEYS[5])
if ARGV[5] == 'release' then
  if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
  if redis.call('PTTL', KEYS[1]) < 0 then
    local at = now + tonumber(ARGV[10])
    redis.call('ZADD', KEYS[6], at, ARGV[1])
    redis.call('PEXPIREAT', KEYS[1], at)
    redis.call('PEXPIREAT', KEYS[3], at)
  else
    give_audit_run_lifetime(KEYS[1], KEYS[3])
  end
else
  redis.call('PERSIST', KEYS[1])
  redis.call('PERSIST', KEYS[3])
  redis.call('ZREM', KEYS[6], ARGV[1])
end
return {'ok'}
`;

/**
 * A note in a run's audit trail. KEYS: run, audit. ARGV: audit fields…
 * Only while the run exists (a trail never outlives its run), and with the run's remaining lifetime.
 */
export const APPEND_AUDIT = `${AUDIT_LIFETIME}
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing'} end
redis.call('XADD', KEYS[2], '*', unpack(ARGV))
give_audit_run_lifetime(KEYS[1], KEYS[2])
return {'ok'}
`;
