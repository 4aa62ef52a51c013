import type { RedisClient as Redis } from '../redis/connect.js';

import type { LatencySample } from './window-stats.js';

/** One delivery request as the Ops agent sees it. */
export type Sample = LatencySample;

const MAX_SAMPLES = 20_000;
const key = (prefix: string, campaignId: string) => `${prefix}:ops:samples:${campaignId}`;

/** Appends samples to the campaign's recent window (newest first, bounded). */
export async function recordSamples(redis: Redis, prefix: string, campaignId: string, samples: readonly Sample[]): Promise<void> {
  if (samples.length === 0) return;
  await redis
    .multi()
    .lpush(key(prefix, campaignId), ...samples.map((s) => JSON.stringify(s)))
    .ltrim(key(prefix, campaignId), 0, MAX_SAMPLES - 1)
    .pexpire(key(prefix, campaignId), 24 * 3600 * 1000)
    .exec();
}

/** Samples taken at or after `sinceMs`, oldest first. */
export async function readSamples(redis: Redis, prefix: string, campaignId: string, sinceMs: number): Promise<Sample[]> {
  const out: Sample[] = [];
  const page = 2000;
  for (let start = 0; start < MAX_SAMPLES; start += page) {
    const raw = await redis.lrange(key(prefix, campaignId), start, start + page - 1);
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
export async function latestSamples(redis: Redis, prefix: string, campaignId: string, count: number): Promise<Sample[]> {
  const raw = await redis.lrange(key(prefix, campaignId), 0, count - 1);
  return raw.map((item) => JSON.parse(item) as Sample).reverse();
}
