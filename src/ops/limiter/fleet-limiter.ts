import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { RedisClient as Redis } from '../../redis/connect.js';
import { ACQUIRE, EXTEND, IN_FLIGHT, RELEASE } from './scripts.js';

export interface Limits {
  /** Requests in flight across every worker process. */
  concurrency?: number;
  /** Requests started per second across every worker process. */
  ratePerSec?: number;
  /** Token bucket size. @defaultValue ratePerSec / 10, at least 1 */
  burst?: number;
  /** Recipients per request in batch mode (set by the Ops controller). */
  batchSize?: number;
}

export interface Lease {
  id: string;
  keys: string[];
}

export type Acquired = { ok: true; lease: Lease } | { ok: false; reason: 'paused' | 'blocked' | 'concurrency' | 'rate'; retryInMs: number };

/**
 * Fleet-wide limits held in Redis: one value per campaign (and per downstream)
 * that every worker process honours together, changed live by the Ops agent or
 * an operator, with pause and the downstream's Retry-After on the same path.
 */
export class FleetLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private k(key: string) {
    return { limits: `${this.prefix}:limit:${key}`, leases: `${this.prefix}:lease:${key}`, bucket: `${this.prefix}:bucket:${key}` };
  }

  async setLimits(key: string, limits: Limits): Promise<void> {
    const fields: Record<string, string> = {};
    const removed: string[] = [];
    const put = (field: string, value: number | undefined) => (value === undefined ? removed.push(field) : (fields[field] = String(value)));
    put('concurrency', limits.concurrency);
    put('rate', limits.ratePerSec);
    put('burst', limits.burst);
    put('batchSize', limits.batchSize);
    const multi = this.redis.multi();
    if (Object.keys(fields).length > 0) multi.hset(this.k(key).limits, fields);
    if (removed.length > 0) multi.hdel(this.k(key).limits, ...removed);
    await multi.exec();
  }

  async getLimits(key: string): Promise<Limits & { paused: boolean; blockedUntil: number | null }> {
    const h = await this.redis.hgetall(this.k(key).limits);
    const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
    return {
      concurrency: num(h.concurrency),
      ratePerSec: num(h.rate),
      burst: num(h.burst),
      batchSize: num(h.batchSize),
      paused: h.paused === '1',
      blockedUntil: h.blockedUntil ? Number(h.blockedUntil) : null,
    };
  }

  async pause(key: string): Promise<void> {
    await this.redis.hset(this.k(key).limits, 'paused', '1');
  }

  async resume(key: string): Promise<void> {
    await this.redis.hdel(this.k(key).limits, 'paused');
  }

  /** Holds every acquire on `key` until `untilMs` (Redis time), e.g. from a 429's Retry-After. */
  async blockUntil(key: string, untilMs: number): Promise<void> {
    await this.redis.eval(
      "local cur = tonumber(redis.call('HGET', KEYS[1], 'blockedUntil') or '0') or 0 if tonumber(ARGV[1]) > cur then redis.call('HSET', KEYS[1], 'blockedUntil', ARGV[1]) end return 1",
      1,
      this.k(key).limits,
      String(untilMs),
    );
  }

  async redisNow(): Promise<number> {
    const [seconds, micros] = await this.redis.time();
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  }

  async tryAcquire(keys: string[], leaseMs: number): Promise<Acquired> {
    const id = randomUUID();
    const redisKeys = keys.flatMap((key) => Object.values(this.k(key)));
    const reply = (await this.redis.eval(ACQUIRE, redisKeys.length, ...redisKeys, id, String(leaseMs), String(keys.length))) as [number, string, number?];
    if (reply[0] === 1) return { ok: true, lease: { id, keys } };
    return { ok: false, reason: reply[1] as 'paused', retryInMs: Number(reply[2] ?? 10) };
  }

  /** Waits for a lease; gives up with the reason when paused (callers stop) or after `maxWaitMs`. */
  async acquire(keys: string[], leaseMs: number, options: { maxWaitMs: number; signal?: AbortSignal }): Promise<Acquired> {
    const deadline = Date.now() + options.maxWaitMs;
    for (let attempt = 0; ; attempt++) {
      const result = await this.tryAcquire(keys, leaseMs);
      if (result.ok || result.reason === 'paused' || Date.now() >= deadline || options.signal?.aborted) return result;
      // Jittered, growing waits keep many waiting senders from flooding Redis; capped at 50 ms so a
      // raised limit or a resume is noticed quickly.
      const wait = Math.max(result.retryInMs, Math.min(50, 5 * 2 ** Math.min(attempt, 4)));
      await delay(Math.min(50, wait) * (0.5 + Math.random() / 2));
    }
  }

  async release(lease: Lease): Promise<void> {
    const leases = lease.keys.map((key) => this.k(key).leases);
    await this.redis.eval(RELEASE, leases.length, ...leases, lease.id);
  }

  async extend(lease: Lease, leaseMs: number): Promise<void> {
    const leases = lease.keys.map((key) => this.k(key).leases);
    await this.redis.eval(EXTEND, leases.length, ...leases, lease.id, String(leaseMs));
  }

  async inFlight(key: string): Promise<number> {
    return Number(await this.redis.eval(IN_FLIGHT, 1, this.k(key).leases));
  }
}

export const campaignKey = (campaignId: string) => `campaign:${campaignId}`;
export const downstreamKey = (url: string) => `downstream:${new URL(url).host}`;
