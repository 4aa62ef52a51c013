import type { RedisClient as Redis } from '../redis/connect.js';

/** One finished downstream request, as a worker reports it. */
export interface Sample {
  /** When the response (or the client-side timeout) was seen, ms since epoch. */
  at: number;
  /** Time from send to response, ms. A timed-out request reports its timeout. */
  latencyMs: number;
  /** The request delivered its message(s). */
  ok: boolean;
  /** HTTP status, when there was a response. */
  status?: number;
  /** The response's Retry-After, converted to ms. */
  retryAfterMs?: number;
  /** Recipients the request carried (batch mode); 1 when absent. */
  messages?: number;
}

const MAX_SAMPLES = 20_000;

/** Appends samples to a campaign's recent window (newest first, bounded). One round trip, one slot. */
export async function appendSamples(redis: Redis, key: string, samples: readonly Sample[]): Promise<void> {
  if (samples.length === 0) return;
  await redis
    .multi()
    .lpush(key, ...samples.map((s) => JSON.stringify(s)))
    .ltrim(key, 0, MAX_SAMPLES - 1)
    .pexpire(key, 24 * 3600 * 1000)
    .exec();
}

/** Samples taken at or after `sinceMs`, oldest first. */
export async function samplesSince(redis: Redis, key: string, sinceMs: number): Promise<Sample[]> {
  const out: Sample[] = [];
  const page = 2000;
  for (let start = 0; start < MAX_SAMPLES; start += page) {
    const raw = await redis.lrange(key, start, start + page - 1);
    let older = false;
    for (const item of raw) {
      const sample = JSON.parse(item) as Sample;
      if (sample.at < sinceMs) {
        older = true;
        break;
      }
      out.push(sample);
    }
    if (older || raw.length < page) break;
  }
  return out.reverse();
}

/** The newest `count` samples whatever their age, oldest first. */
export async function newestSamples(redis: Redis, key: string, count: number): Promise<Sample[]> {
  const raw = await redis.lrange(key, 0, count - 1);
  return raw.map((item) => JSON.parse(item) as Sample).reverse();
}
