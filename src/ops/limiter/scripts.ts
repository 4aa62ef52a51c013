/**
 * Acquire a lease on every key at once, or on none. Per key: a hash of limits
 * (`concurrency`, `rate` per second, `burst`, `paused`, `blockedUntil` ms), a
 * sorted set of leases scored by expiry (a killed worker's leases lapse), and a
 * token bucket. Time is Redis's own clock, the same for every worker process.
 * KEYS: for each key, limits hash, lease zset, bucket hash. ARGV: leaseId, leaseMs, key count.
 * Returns {1, leaseId} or {0, reason, retryInMs}.
 */
export const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local n = tonumber(ARGV[3])
local leaseMs = tonumber(ARGV[2])
local tokens = {}
for i = 0, n - 1 do
  local limits, leases, bucket = KEYS[i*3+1], KEYS[i*3+2], KEYS[i*3+3]
  local l = redis.call('HMGET', limits, 'concurrency', 'rate', 'burst', 'paused', 'blockedUntil')
  if l[4] == '1' then return {0, 'paused', 250} end
  local blocked = tonumber(l[5] or '0') or 0
  if now < blocked then return {0, 'blocked', blocked - now} end
  redis.call('ZREMRANGEBYSCORE', leases, '-inf', now)
  local concurrency = tonumber(l[1] or '')
  if concurrency and redis.call('ZCARD', leases) >= concurrency then return {0, 'concurrency', 5} end
  local rate = tonumber(l[2] or '')
  if rate and rate > 0 then
    local burst = tonumber(l[3] or '') or math.max(1, rate / 10)
    local b = redis.call('HMGET', bucket, 'tokens', 'ts')
    local have = tonumber(b[1] or '') or burst
    local ts = tonumber(b[2] or '') or now
    have = math.min(burst, have + (now - ts) * rate / 1000)
    if have < 1 then return {0, 'rate', math.ceil((1 - have) * 1000 / rate)} end
    tokens[i] = have - 1
  end
end
for i = 0, n - 1 do
  redis.call('ZADD', KEYS[i*3+2], now + leaseMs, ARGV[1])
  redis.call('PEXPIRE', KEYS[i*3+2], leaseMs * 10)
  if tokens[i] then
    redis.call('HSET', KEYS[i*3+3], 'tokens', tokens[i], 'ts', now)
    redis.call('PEXPIRE', KEYS[i*3+3], 3600000)
  end
end
return {1, ARGV[1]}
`;

/** KEYS: lease zsets. ARGV: leaseId. */
export const RELEASE = `
for i = 1, #KEYS do redis.call('ZREM', KEYS[i], ARGV[1]) end
return 1
`;

/** KEYS: lease zsets. ARGV: leaseId, leaseMs. */
export const EXTEND = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for i = 1, #KEYS do redis.call('ZADD', KEYS[i], 'XX', now + tonumber(ARGV[2]), ARGV[1]) end
return 1
`;

/** In-flight leases that have not lapsed. KEYS[1]: lease zset. */
export const IN_FLIGHT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return redis.call('ZCOUNT', KEYS[1], '(' .. now, '+inf')
`;
