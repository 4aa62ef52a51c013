import type { Registry } from 'prom-client';

/** One labelled series of a histogram: how many observations fell at or below each bound, plus sum and count. */
export interface HistogramSeries {
  labels: Record<string, string>;
  /** Observations per bucket, not cumulative, in the order of `buckets`; one more entry for +Inf. */
  perBucket: number[];
  sum: number;
}

/**
 * A histogram whose figures are read at scrape time from where the fleet keeps them
 * (Postgres, Redis counters) rather than observed in this process: prom-client's
 * Histogram only counts its own observations, and only `web` serves /metrics.
 */
export function registerReadHistogram(
  registry: Registry,
  options: { name: string; help: string; buckets: readonly number[]; read(): Promise<HistogramSeries[]> },
): void {
  const { name, help, buckets } = options;
  registry.registerMetric({
    name,
    help,
    type: 'histogram',
    aggregator: 'sum',
    async get() {
      const values: { metricName: string; labels: Record<string, string | number>; value: number }[] = [];
      for (const series of await options.read()) {
        let cumulative = 0;
        [...buckets, Number.POSITIVE_INFINITY].forEach((bound, i) => {
          cumulative += series.perBucket[i] ?? 0;
          values.push({
            metricName: `${name}_bucket`,
            labels: { ...series.labels, le: bound === Number.POSITIVE_INFINITY ? '+Inf' : bound },
            value: cumulative,
          });
        });
        values.push({ metricName: `${name}_sum`, labels: series.labels, value: series.sum });
        values.push({ metricName: `${name}_count`, labels: series.labels, value: cumulative });
      }
      return { name, help, type: 'histogram', aggregator: 'sum', values };
    },
    reset() {},
  } as unknown as Parameters<Registry['registerMetric']>[0]);
}

/** The index of the bucket a value falls in: the first bound at or above it, else +Inf (buckets.length). */
export function bucketIndex(buckets: readonly number[], value: number): number {
  const i = buckets.findIndex((bound) => value <= bound);
  return i < 0 ? buckets.length : i;
}
