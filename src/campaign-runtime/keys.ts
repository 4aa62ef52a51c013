/**
 * Redis key layout of a running campaign's runtime. Every key of one campaign
 * shares the hash tag `{<prefix>:campaign:<id>}`, so each multi-key script
 * (limiter, samples, control state) touches one Redis Cluster slot:
 *
 *   {P:campaign:<id>}:limits    hash: concurrency, rate, burst, batchSize (the controller's),
 *                               capConcurrency, capRate, capBatchSize (the operator's ceiling),
 *                               paused, epoch (set when the hash is written from Postgres),
 *                               peakInFlight (most leases held at once since the controller last read it)
 *   {P:campaign:<id>}:leases    zset: lease id -> expiry (ms, Redis time)
 *   {P:campaign:<id>}:bucket    hash: token bucket (tokens, ts)
 *   {P:campaign:<id>}:samples   list: newest-first delivery samples (JSON), bounded
 *   {P:campaign:<id>}:control   string: the Ops controller's state (JSON)
 *   {P:downstream:<host>}:state hash: blockedUntil (Retry-After), the circuit breaker (downstream-scripts.ts)
 *   P:campaigns:running         set: ids of running (and paused) campaigns
 *   P:capacity:<host>           string: the downstream's capacity estimate (JSON; Postgres holds the truth)
 *
 * P is `redis.prefix` from the config. Everything here is a copy that can be rebuilt from Postgres.
 */
export interface RuntimeKeys {
  limits: string;
  leases: string;
  bucket: string;
  samples: string;
  control: string;
}

export function campaignKeys(prefix: string, campaignId: string): RuntimeKeys {
  const tag = `{${prefix}:campaign:${campaignId}}`;
  return { limits: `${tag}:limits`, leases: `${tag}:leases`, bucket: `${tag}:bucket`, samples: `${tag}:samples`, control: `${tag}:control` };
}

export const downstreamStateKey = (prefix: string, host: string) => `{${prefix}:downstream:${host}}:state`;
export const runningSetKey = (prefix: string) => `${prefix}:campaigns:running`;

/** The downstream a channel URL names: its host and port, the unit capacity is measured for. */
export function downstreamOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
