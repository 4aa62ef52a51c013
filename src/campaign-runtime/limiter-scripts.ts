/**
 * Lua scripts of the fleet limiter. Each touches the keys of one campaign (one
 * hash tag, so one Redis Cluster slot); a downstream's are in downstream-scripts.ts.
 * Time is Redis's own clock, the same for every worker process.
 */

/**
 * Takes up to ARGV[3] leases at once on one campaign, after giving back the leases in ARGV[4..]
 * (a sender's lease rides along with the next acquire instead of a release of its own).
 * KEYS: limits hash, lease zset, bucket hash. ARGV: lease id base, leaseMs, wanted, released ids.
 * Fails closed: a limits hash without `epoch` was never written from Postgres (or was
 * lost with a FLUSHALL), so nothing is granted until the caller restores it.
 * Returns {granted, reason, retryInMs, epoch}; lease ids are `<base>:<i>` for i in 1..granted.
 */
export const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local leaseMs = tonumber(ARGV[2])
local want = tonumber(ARGV[3])
for i = 4, #ARGV do redis.call('ZREM', KEYS[2], ARGV[i]) end
local l = redis.call('HMGET', KEYS[1], 'epoch', 'paused', 'concurrency', 'capConcurrency', 'rate', 'capRate', 'burst', 'restoredAt')
if not l[1] then return {0, 'missing', 0, ''} end
if l[2] == '1' then return {0, 'paused', 250, l[1]} end
-- Rebuilt after a loss: leases granted before it are gone from the zset but may still be in
-- flight. Nothing new until every one of them has lapsed, so the cap holds throughout.
local restoredAt = tonumber(l[8] or '')
if restoredAt and now < restoredAt + leaseMs then return {0, 'restoring', restoredAt + leaseMs - now, l[1]} end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local concurrency = tonumber(l[3] or '')
local capConcurrency = tonumber(l[4] or '')
if capConcurrency and (not concurrency or capConcurrency < concurrency) then concurrency = capConcurrency end
if concurrency then
  local free = concurrency - redis.call('ZCARD', KEYS[2])
  if free < 1 then return {0, 'concurrency', 5, l[1]} end
  if free < want then want = free end
end
local rate = tonumber(l[5] or '')
local capRate = tonumber(l[6] or '')
if capRate and (not rate or capRate < rate) then rate = capRate end
local have
if rate and rate > 0 then
  local burst = tonumber(l[7] or '') or math.max(1, rate / 10)
  local b = redis.call('HMGET', KEYS[3], 'tokens', 'ts')
  have = tonumber(b[1] or '') or math.min(burst, 1)
  local ts = tonumber(b[2] or '') or now
  have = math.min(burst, have + (now - ts) * rate / 1000)
  if have < 1 then return {0, 'rate', math.ceil((1 - have) * 1000 / rate), l[1]} end
  if math.floor(have) < want then want = math.floor(have) end
  redis.call('HSET', KEYS[3], 'tokens', have - want, 'ts', now)
  redis.call('PEXPIRE', KEYS[3], 3600000)
end
for i = 1, want do redis.call('ZADD', KEYS[2], now + leaseMs, ARGV[1] .. ':' .. i) end
redis.call('PEXPIRE', KEYS[2], leaseMs * 10)
-- The most leases held at once since the controller last looked (PEAK_IN_FLIGHT): whether the limit was used.
local held = redis.call('ZCARD', KEYS[2])
if held > (tonumber(redis.call('HGET', KEYS[1], 'peakInFlight') or '0') or 0) then redis.call('HSET', KEYS[1], 'peakInFlight', held) end
return {want, 'ok', 0, l[1]}
`;

/**
 * The most leases held at once since the last call (ACQUIRE records it), at least those held now;
 * starts the next period at those held now. KEYS: limits hash, lease zset.
 */
export const PEAK_IN_FLIGHT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local held = redis.call('ZCOUNT', KEYS[2], '(' .. now, '+inf')
local peak = math.max(held, tonumber(redis.call('HGET', KEYS[1], 'peakInFlight') or '0') or 0)
if redis.call('HEXISTS', KEYS[1], 'epoch') == 1 then redis.call('HSET', KEYS[1], 'peakInFlight', held) end
return peak
`;

/**
 * Gives back leases granted while the downstream turned out to be held (ACQUIRE and the downstream
 * check go out together): removes them and returns their rate tokens, so the hold costs nothing.
 * KEYS: lease zset, bucket hash. ARGV: lease ids.
 */
export const UNGRANT = `
for i = 1, #ARGV do redis.call('ZREM', KEYS[1], ARGV[i]) end
if redis.call('HEXISTS', KEYS[2], 'tokens') == 1 then redis.call('HINCRBYFLOAT', KEYS[2], 'tokens', #ARGV) end
return 1
`;

/**
 * Keeps leases taken for ARGV[1] ms more from now (Redis time), put back if they had lapsed: their
 * requests were abandoned unanswered and may still be running at the downstream.
 * KEYS: lease zset. ARGV: ms, lease ids.
 */
export const HOLD = `
local t = redis.call('TIME')
local untilMs = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[1])
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], untilMs, ARGV[i]) end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]) * 10)
return 1
`;

/** KEYS: lease zset. ARGV: lease ids. */
export const RELEASE = `
for i = 1, #ARGV do redis.call('ZREM', KEYS[1], ARGV[i]) end
return 1
`;

/**
 * Writes limits from Postgres, unless another process restored them first (ARGV[2] = '1'
 * replaces them anyway: a campaign starting). A restore (not a start) records when, so
 * ACQUIRE waits out the leases that were lost with the hash. KEYS: limits hash. ARGV: epoch, force,
 * then field/value pairs. Returns 1 when written.
 */
export const RESTORE = `
if ARGV[2] ~= '1' and redis.call('HEXISTS', KEYS[1], 'epoch') == 1 then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'epoch', ARGV[1], unpack(ARGV, 3))
if ARGV[2] ~= '1' then
  local t = redis.call('TIME')
  redis.call('HSET', KEYS[1], 'restoredAt', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000))
end
return 1
`;

/** In-flight leases that have not lapsed. KEYS[1]: lease zset. */
export const IN_FLIGHT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return redis.call('ZCOUNT', KEYS[1], '(' .. now, '+inf')
`;
