import type { RedisClient } from '../redis/connect.js';
import { bucketIndex, type HistogramSeries } from './read-histogram.js';

/** Seconds; from a fast local downstream to a client-side timeout. */
export const DELIVERY_LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/**
 * One hash of counters for the whole fleet: every worker adds its requests' latencies
 * (field `<downstream>|<bucket>` and `<downstream>|sum`), web reads them at scrape time.
 * A counter, not state: lost with Redis, it restarts from 0 (Prometheus reads that as a reset).
 */
export const deliveryLatencyKey = (prefix: string) => `${prefix}:metrics:delivery-latency`;

/** Adds one flush's request latencies (ms) for a downstream; one round trip. */
export async function recordDeliveryLatencies(redis: RedisClient, prefix: string, downstream: string, latenciesMs: readonly number[]): Promise<void> {
  if (latenciesMs.length === 0) return;
  const perBucket = new Map<number, number>();
  let sumSec = 0;
  for (const ms of latenciesMs) {
    const sec = ms / 1000;
    sumSec += sec;
    const i = bucketIndex(DELIVERY_LATENCY_BUCKETS, sec);
    perBucket.set(i, (perBucket.get(i) ?? 0) + 1);
  }
  const key = deliveryLatencyKey(prefix);
  const pipeline = redis.pipeline();
  for (const [i, n] of perBucket) pipeline.hincrby(key, `${downstream}|${i}`, n);
  pipeline.hincrbyfloat(key, `${downstream}|sum`, sumSec);
  await pipeline.exec();
}

/** The counters as histogram series, one per downstream. */
export async function readDeliveryLatencies(redis: RedisClient, prefix: string): Promise<HistogramSeries[]> {
  const fields = await redis.hgetall(deliveryLatencyKey(prefix));
  const series = new Map<string, HistogramSeries>();
  for (const [field, value] of Object.entries(fields)) {
    const cut = field.lastIndexOf('|');
    const downstream = field.slice(0, cut);
    const slot = field.slice(cut + 1);
    let entry = series.get(downstream);
    if (!entry) {
      entry = { labels: { downstream }, perBucket: new Array(DELIVERY_LATENCY_BUCKETS.length + 1).fill(0), sum: 0 };
      series.set(downstream, entry);
    }
    if (slot === 'sum') entry.sum = Number(value);
    else entry.perBucket[Number(slot)] = Number(value);
  }
  return [...series.values()];
}
