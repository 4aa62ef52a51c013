import type { Sample } from '../campaign-runtime/samples.js';

/** One finished downstream request, as a worker reports it (the runtime's sample). */
export type LatencySample = Sample;

/** Which samples a window covers: those with `endAt − durationMs < at ≤ endAt`. */
export interface StatsWindow {
  endAt: number;
  durationMs: number;
}

export interface WindowStatsOptions {
  /**
   * Statuses that mean "the downstream is overloaded, slow down" rather than "this request failed".
   * @defaultValue [429, 503]
   */
  overloadStatuses: readonly number[];
}

export const DEFAULT_WINDOW_STATS_OPTIONS: WindowStatsOptions = { overloadStatuses: [429, 503] };

export interface WindowStats {
  endAt: number;
  durationMs: number;
  count: number;
  /** Messages the window's requests carried (a batch request carries several; a sample without `messages` counts 1). */
  messageCount: number;
  okCount: number;
  /** Every sample with `ok: false`, overload responses included. */
  errorCount: number;
  /** Failed samples whose status is an overload status (also counted in `errorCount`). */
  overloadCount: number;
  /** Failed samples with another 4xx status: the request's fault, not a load signal (also in `errorCount`). */
  clientErrorCount: number;
  /** Finished requests per second, failures included. */
  throughputPerSec: number;
  /** Successful requests per second. */
  goodputPerSec: number;
  /** errorCount / count; 0 for an empty window. */
  errorRate: number;
  /** Latency statistics cover every sample, failures included: a failed request held a slot too. Null when the window is empty. */
  meanLatencyMs: number | null;
  p50LatencyMs: number | null;
  p90LatencyMs: number | null;
  p95LatencyMs: number | null;
  p99LatencyMs: number | null;
  maxLatencyMs: number | null;
  /** Largest Retry-After among the window's overload responses, or null when none carried one. */
  maxRetryAfterMs: number | null;
}

/**
 * Nearest-rank percentile of an ascending array: the smallest value such that at
 * least p% of the values are ≤ it, i.e. `sorted[ceil(p/100 · n) − 1]` (p = 0 gives
 * the minimum). No interpolation, so the result is always an observed latency and
 * p99 of fewer than 100 samples is the maximum. Null for an empty array.
 */
export function nearestRankPercentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within [0, 100], got ${p}`);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? null;
}

/** Aggregates the samples that fall in `window`; samples may come in any order. */
export function computeWindowStats(
  samples: readonly LatencySample[],
  window: StatsWindow,
  options: WindowStatsOptions = DEFAULT_WINDOW_STATS_OPTIONS,
): WindowStats {
  if (!(window.durationMs > 0)) throw new RangeError(`window duration must be positive, got ${window.durationMs}`);
  const startAt = window.endAt - window.durationMs;
  const latencies: number[] = [];
  let okCount = 0;
  let overloadCount = 0;
  let clientErrorCount = 0;
  let latencySum = 0;
  let messageCount = 0;
  let maxRetryAfterMs: number | null = null;
  for (const sample of samples) {
    if (!(sample.at > startAt && sample.at <= window.endAt)) continue;
    latencies.push(sample.latencyMs);
    latencySum += sample.latencyMs;
    messageCount += sample.messages ?? 1;
    if (sample.ok) {
      okCount += 1;
      continue;
    }
    if (sample.status !== undefined && options.overloadStatuses.includes(sample.status)) {
      overloadCount += 1;
      if (sample.retryAfterMs !== undefined) maxRetryAfterMs = Math.max(maxRetryAfterMs ?? 0, sample.retryAfterMs);
    } else if (sample.status !== undefined && sample.status >= 400 && sample.status < 500) {
      clientErrorCount += 1;
    }
  }
  latencies.sort((a, b) => a - b);
  const count = latencies.length;
  const seconds = window.durationMs / 1000;
  return {
    endAt: window.endAt,
    durationMs: window.durationMs,
    count,
    messageCount,
    okCount,
    errorCount: count - okCount,
    overloadCount,
    clientErrorCount,
    throughputPerSec: count / seconds,
    goodputPerSec: okCount / seconds,
    errorRate: count === 0 ? 0 : (count - okCount) / count,
    meanLatencyMs: count === 0 ? null : latencySum / count,
    p50LatencyMs: nearestRankPercentile(latencies, 50),
    p90LatencyMs: nearestRankPercentile(latencies, 90),
    p95LatencyMs: nearestRankPercentile(latencies, 95),
    p99LatencyMs: nearestRankPercentile(latencies, 99),
    maxLatencyMs: count === 0 ? null : (latencies[count - 1] ?? null),
    maxRetryAfterMs,
  };
}
