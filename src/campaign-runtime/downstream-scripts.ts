/**
 * Lua scripts of one downstream's state hash ({P:downstream:<host>}:state, one Cluster slot), the
 * fleet-wide hold every worker process honours. Time is Redis's own clock.
 *
 *   blockedUntil  the downstream asked us to wait (Retry-After)
 *   holdMs        present while the circuit is not closed: the hold it opened for last (0: none yet)
 *   openUntil     the circuit holds every send until then
 *   probe         the token of the one request let through once the hold is over (half open)
 *   probeUntil    when that probe's lease lapses: a lost probe frees the way for the next one
 *
 * closed -> (TRIP: a process saw `failures` failed answers in a row) open -> hold over: the next
 * acquire is the probe -> its answer closes the circuit, or opens it again for twice as long.
 */

const NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/**
 * Whether a sender may go now. KEYS: state hash. ARGV: probe token, probe lease ms.
 * Returns ms to wait (> 0), 0 to go, or -1: go, as the circuit's one probe (claimed for the token).
 */
export const DOWNSTREAM_WAIT = `
${NOW}
local s = redis.call('HMGET', KEYS[1], 'blockedUntil', 'openUntil', 'holdMs', 'probeUntil')
local held = math.max(tonumber(s[1] or '0') or 0, tonumber(s[2] or '0') or 0)
if now < held then return held - now end
if not s[3] then return 0 end
local probeUntil = tonumber(s[4] or '0') or 0
if now < probeUntil then return probeUntil - now end
redis.call('HSET', KEYS[1], 'probe', ARGV[1], 'probeUntil', now + tonumber(ARGV[2]))
return -1
`;

/** Gives up a probe claim that sent nothing (no lease was granted with it). KEYS: state hash. ARGV: token. */
export const ABANDON_PROBE = `
if redis.call('HGET', KEYS[1], 'probe') == ARGV[1] then redis.call('HDEL', KEYS[1], 'probe', 'probeUntil') end
return 1
`;

/** Holds a downstream until ARGV[1] ms from now (Redis time), never shortening a longer hold. KEYS: state hash. */
export const BLOCK_DOWNSTREAM = `
${NOW}
local untilMs = now + tonumber(ARGV[1])
local cur = tonumber(redis.call('HGET', KEYS[1], 'blockedUntil') or '0') or 0
if untilMs > cur then redis.call('HSET', KEYS[1], 'blockedUntil', untilMs) end
redis.call('PEXPIRE', KEYS[1], math.max(60000, tonumber(ARGV[1]) * 2, redis.call('PTTL', KEYS[1])))
return 1
`;

/**
 * Opens a closed circuit for ARGV[2] ms. An open or half-open one is left as it is: answers to
 * requests sent before the hold prove nothing new, only the probe's answer moves it.
 * KEYS: state hash. ARGV: openMs. Returns 1 when it opened.
 */
export const TRIP = `
if redis.call('HEXISTS', KEYS[1], 'holdMs') == 1 then return 0 end
${NOW}
redis.call('HSET', KEYS[1], 'holdMs', ARGV[1], 'openUntil', now + tonumber(ARGV[1]))
redis.call('PEXPIRE', KEYS[1], math.max(60000, tonumber(ARGV[1]) * 4, redis.call('PTTL', KEYS[1])))
return 1
`;

/**
 * The probe's answer. A success closes the circuit (whoever's probe it was: the downstream answers);
 * a failure of the current probe opens it again for twice the last hold, within [openMs, maxOpenMs].
 * KEYS: state hash. ARGV: token, '1' when it failed, openMs, maxOpenMs. Returns the new hold, 0 when closed.
 */
export const PROBE_ANSWER = `
if ARGV[2] ~= '1' then
  redis.call('HDEL', KEYS[1], 'holdMs', 'openUntil', 'probe', 'probeUntil')
  return 0
end
if redis.call('HGET', KEYS[1], 'probe') ~= ARGV[1] then return 0 end
${NOW}
local holdMs = math.min(tonumber(ARGV[4]), math.max(tonumber(ARGV[3]), (tonumber(redis.call('HGET', KEYS[1], 'holdMs') or '0') or 0) * 2))
redis.call('HSET', KEYS[1], 'holdMs', holdMs, 'openUntil', now + holdMs)
redis.call('HDEL', KEYS[1], 'probe', 'probeUntil')
redis.call('PEXPIRE', KEYS[1], math.max(60000, holdMs * 4, redis.call('PTTL', KEYS[1])))
return holdMs
`;

/**
 * Ends the circuit's hold now (a resume someone decided on, a healthy Ops probe): the next send
 * anywhere is its probe, and a failed one holds for openMs again, not twice the last hold.
 * A closed circuit and a Retry-After are left alone. KEYS: state hash.
 */
export const RETRY_NOW = `
if redis.call('HEXISTS', KEYS[1], 'holdMs') == 0 then return 0 end
redis.call('HSET', KEYS[1], 'holdMs', 0)
redis.call('HDEL', KEYS[1], 'openUntil', 'probe', 'probeUntil')
return 1
`;
