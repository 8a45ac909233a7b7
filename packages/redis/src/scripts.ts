// The store's Lua scripts: each runs atomically in Redis, so a claim, an end or a
// lease renewal cannot interleave with another instance's.

/**
 * Claims a thread for a run. KEYS: lease, thread, run stream. ARGV: token, leaseMs, runId,
 * messages (JSON), threadTtlMs, frameTtlMs. Returns 1 when claimed, 0 when another run holds the thread.
 */
export const BEGIN = `
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 0 end
redis.call('HSET', KEYS[2], 'messages', ARGV[4], 'run', ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
redis.call('DEL', KEYS[3])
redis.call('XADD', KEYS[3], '*', 'start', '1')
redis.call('PEXPIRE', KEYS[3], ARGV[6])
return 1
`;

/**
 * Ends a run: saves the conversation and releases the thread, unless another run took it over
 * (fencing: only the lease's holder, or the thread's latest run when no lease is left, writes).
 * KEYS: lease, thread, run stream. ARGV: token, runId, messages (JSON), threadTtlMs, endedFrameTtlMs.
 * Returns 1 when the conversation was saved.
 */
export const END = `
local holder = redis.call('GET', KEYS[1])
local latest = redis.call('HGET', KEYS[2], 'run')
redis.call('XADD', KEYS[3], '*', 'end', '1')
redis.call('PEXPIRE', KEYS[3], ARGV[5])
if holder == ARGV[1] or (not holder and latest == ARGV[2]) then
  redis.call('HSET', KEYS[2], 'messages', ARGV[3], 'run', ARGV[2])
  redis.call('PEXPIRE', KEYS[2], ARGV[4])
  if holder then redis.call('DEL', KEYS[1]) end
  return 1
end
return 0
`;

/**
 * Keeps a running run's keys alive. KEYS: lease, thread, run stream, stop request. ARGV: token, leaseMs,
 * threadTtlMs, frameTtlMs. Returns 0 when the lease is no longer this run's, 2 when a stop was requested.
 */
export const RENEW = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('PEXPIRE', KEYS[3], ARGV[4])
if redis.call('GET', KEYS[4]) == ARGV[1] then return 2 end
return 1
`;

/**
 * Counts one hit in a fixed window. KEYS: counter. ARGV: windowMs. Returns { count, ms left }.
 */
export const HIT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return { count, ttl }
`;
