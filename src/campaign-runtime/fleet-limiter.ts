import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { RedisClient as Redis } from '../redis/connect.js';
import type { DownstreamBreaker } from './downstream-breaker.js';
import { campaignKeys } from './keys.js';
import { ACQUIRE, HOLD, IN_FLIGHT, PEAK_IN_FLIGHT, RELEASE, RESTORE, UNGRANT } from './limiter-scripts.js';
import { runScript } from './run-script.js';

/** Limits as the fleet applies them: the controller's values under the operator's ceiling. */
export interface LiveLimits {
  /** Requests in flight across every worker process (the controller's, within the cap). */
  concurrency?: number;
  /** Requests started per second across every worker process. */
  ratePerSec?: number;
  /** Recipients per request in batch mode (an operator's cap; the channel's maxBatch otherwise). */
  batchSize?: number;
  paused: boolean;
}

/** Fields of the limits hash, as strings (see keys.ts). */
export type LimitFields = Partial<Record<'concurrency' | 'rate' | 'burst' | 'batchSize' | 'capConcurrency' | 'capRate' | 'capBatchSize' | 'paused', string>>;

export interface Leases {
  campaignId: string;
  ids: string[];
  /** Set when the one lease granted is the downstream circuit's probe: the token its answer is reported with. */
  probe?: string;
}

export type Acquired = { ok: true; leases: Leases } | { ok: false; reason: 'paused' | 'blocked' | 'concurrency' | 'rate' | 'missing' | 'restoring' | 'timeout'; retryInMs: number };

/**
 * How long to wait before asking again after `attempt` refusals in a row: what Redis said
 * (`retryInMs`), growing from 5 ms, at most 50 ms (a raised limit or a resume is noticed
 * quickly), jittered so many waiting senders do not flood Redis together. A rate refusal's
 * `retryInMs` is when the next token is due, and a wait past it is sending time lost for good
 * (with a bucket of one token, 7.5-8 of 9 requests/s went out): never longer than that.
 */
export const retryWaitMs = (attempt: number, retryInMs: number, reason?: string): number => {
  const jitter = 0.5 + Math.random() / 2;
  if (reason === 'rate') return Math.min(retryInMs, 50 * jitter);
  return Math.min(50, Math.max(retryInMs, 5 * 2 ** Math.min(attempt, 4))) * jitter;
};

const leaseIds = (base: string, n: number) => Array.from({ length: n }, (_, i) => `${base}:${i + 1}`);

/**
 * Fleet-wide limits held in Redis: one set per campaign that every worker process
 * honours together, changed live by the Ops agent or an operator, with pause and
 * the downstream's Retry-After on the same path. Only the campaign runtime builds one.
 */
export class FleetLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    /** Writes a campaign's limits hash from Postgres when Redis has lost it (fail closed). */
    private readonly restore: (campaignId: string) => Promise<void>,
    /** The downstreams' fleet-wide holds (Retry-After, circuit breaker). */
    private readonly breaker: DownstreamBreaker,
  ) {}

  private keys(campaignId: string) {
    return campaignKeys(this.prefix, campaignId);
  }

  async write(campaignId: string, fields: LimitFields, removed: string[] = []): Promise<void> {
    const key = this.keys(campaignId).limits;
    const multi = this.redis.multi();
    if (Object.keys(fields).length > 0) multi.hset(key, fields);
    if (removed.length > 0) multi.hdel(key, ...removed);
    await multi.exec();
  }

  /** Replaces the hash with Postgres's values unless another process already did (or `force`). True when written. */
  async writeRestored(campaignId: string, fields: LimitFields, force = false): Promise<boolean> {
    const args = Object.entries(fields).flatMap(([field, value]) => (value === undefined ? [] : [field, value]));
    return Number(await runScript(this.redis, RESTORE, [this.keys(campaignId).limits], [randomUUID(), force ? '1' : '0', ...args])) === 1;
  }

  async exists(campaignId: string): Promise<boolean> {
    return (await this.redis.hexists(this.keys(campaignId).limits, 'epoch')) === 1;
  }

  async read(campaignId: string): Promise<LiveLimits> {
    const h = await this.redis.hgetall(this.keys(campaignId).limits);
    const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
    const min = (a: number | undefined, b: number | undefined) => (a === undefined ? b : b === undefined ? a : Math.min(a, b));
    return {
      concurrency: min(num(h.concurrency), num(h.capConcurrency)),
      ratePerSec: min(num(h.rate), num(h.capRate)),
      batchSize: min(num(h.batchSize), num(h.capBatchSize)),
      paused: h.paused === '1',
    };
  }

  /**
   * Tries once for up to `want` leases, giving back `release` first (in the same round trip);
   * restores lost limits from Postgres first. Once a downstream's circuit hold is over, one
   * caller in the fleet gets a single lease, marked as the probe.
   */
  async tryAcquire(campaignId: string, host: string, want: number, leaseMs: number, release: readonly string[] = []): Promise<Acquired> {
    const k = this.keys(campaignId);
    const base = randomUUID();
    const call = async () => (await runScript(this.redis, ACQUIRE, [k.limits, k.leases, k.bucket], [base, String(leaseMs), String(Math.max(1, want)), ...release])) as [number, string, number, string];
    // The downstream's hold and the campaign's limits live in different slots (one script cannot
    // read both on a cluster): both go out at once, one round trip, and leases granted while the
    // downstream is held are given back with their tokens.
    const [waited, first] = await Promise.allSettled([this.breaker.wait(host, base, leaseMs), call()]);
    const ungrant = (ids: string[]) => (ids.length > 0 ? runScript(this.redis, UNGRANT, [k.leases, k.bucket], ids) : undefined);
    // A probe claimed by this call goes back at once when what follows fails (a script refused, the
    // restore from Postgres down): otherwise the whole fleet waits for the claim to lapse.
    const probe = waited.status === 'fulfilled' && waited.value < 0;
    try {
      if (waited.status === 'rejected') {
        if (first.status === 'fulfilled') await ungrant(leaseIds(base, first.value[0]));
        throw waited.reason;
      }
      if (first.status === 'rejected') throw first.reason;
      const wait = waited.value;
      let reply = first.value;
      // A pause wins over a hold: its senders stop now instead of waiting the hold out.
      if (wait > 0 && reply[1] !== 'paused') {
        await ungrant(leaseIds(base, reply[0]));
        return { ok: false, reason: 'blocked', retryInMs: wait };
      }
      if (reply[1] === 'missing') {
        await this.restore(campaignId);
        reply = await call();
      }
      if (reply[0] > 0 && probe) {
        await ungrant(leaseIds(base, reply[0]).slice(1));
        return { ok: true, leases: { campaignId, ids: leaseIds(base, 1), probe: base } };
      }
      if (probe) await this.breaker.abandonProbe(host, base);
      if (reply[0] > 0) return { ok: true, leases: { campaignId, ids: leaseIds(base, reply[0]) } };
      return { ok: false, reason: reply[1] as 'paused', retryInMs: Number(reply[2]) };
    } catch (error) {
      if (probe) await this.breaker.abandonProbe(host, base).catch(() => {});
      throw error;
    }
  }

  /** Waits for leases; gives up with the reason when paused (callers stop) or after `maxWaitMs`. */
  async acquire(campaignId: string, host: string, want: number, leaseMs: number, options: { maxWaitMs: number; signal?: AbortSignal }): Promise<Acquired> {
    const deadline = Date.now() + options.maxWaitMs;
    for (let attempt = 0; ; attempt++) {
      const result = await this.tryAcquire(campaignId, host, want, leaseMs);
      if (result.ok || result.reason === 'paused' || options.signal?.aborted) return result;
      if (Date.now() >= deadline) return { ok: false, reason: 'timeout', retryInMs: result.retryInMs };
      await delay(retryWaitMs(attempt, result.retryInMs, result.reason));
    }
  }

  async release(campaignId: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await runScript(this.redis, RELEASE, [this.keys(campaignId).leases], ids);
  }

  /** Keeps leases taken `ms` more from now (their requests may still be running at the downstream). */
  async hold(campaignId: string, ids: readonly string[], ms: number): Promise<void> {
    if (ids.length === 0) return;
    await runScript(this.redis, HOLD, [this.keys(campaignId).leases], [String(Math.ceil(ms)), ...ids]);
  }

  async inFlight(campaignId: string): Promise<number> {
    return Number(await runScript(this.redis, IN_FLIGHT, [this.keys(campaignId).leases], []));
  }

  /** The most leases held at once, fleet-wide, since the last call (at least those held now). */
  async takePeakInFlight(campaignId: string): Promise<number> {
    const k = this.keys(campaignId);
    return Number(await runScript(this.redis, PEAK_IN_FLIGHT, [k.limits, k.leases], []));
  }
}
