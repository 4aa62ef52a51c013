import { DEFAULT_BATCH_SIZE_OPTIONS, type BatchSizeOptions } from './recommend-batch-size.js';

/** Options of the adaptive controller; docs/adaptive-controller.md explains each default. */
export interface AdaptiveOptions {
  /** Limit before anything is measured; slow start grows it from here. @defaultValue 4 */
  initialLimit: number;
  /** @defaultValue 1 */
  minLimit: number;
  /** @defaultValue 1000 */
  maxLimit: number;
  /** @defaultValue 0.5 */
  minRatePerSec: number;
  /** @defaultValue 10000 */
  maxRatePerSec: number;
  /**
   * How far the window's median latency may rise over the no-load baseline before
   * it counts as queueing (Gradient2's rttTolerance, there 1.5).
   * @defaultValue 1.25
   */
  rttTolerance: number;
  /** Weight of the new estimate in a gradient step (Gradient2's smoothing). @defaultValue 0.2 */
  smoothing: number;
  /**
   * Requests the limit may hold beyond the no-load concurrency, so the downstream
   * never idles between responses: a count, or 'sqrt' for √limit (at least 1).
   * @defaultValue 'sqrt'
   */
  queueAllowance: number | 'sqrt';
  /** Gradient at or below which the decrease is applied whole, not smoothed. @defaultValue 0.7 */
  fastGradient: number;
  /** Slow-start growth of the limit per second while latency stays flat. @defaultValue 4 */
  slowStartGrowthPerSec: number;
  /**
   * After a refusal (429/503) or error backoff, steady-state growth stays at one Gradient2 step
   * this long before increases in a row may accelerate again.
   * @defaultValue 3000
   */
  accelerationHoldMs: number;
  /**
   * Strongest single cut on overload responses (429/503) or an error-rate breach. The
   * cut is to 0.9 × the accepted share (1 − refused fraction), but never below this.
   * @defaultValue 0.5
   */
  backoffRatio: number;
  /** Rate of load errors (5xx other than 503, timeouts, network; not 4xx) that triggers a backoff. @defaultValue 0.05 */
  errorRateThreshold: number;
  /** Window p99 above this triggers a proportional decrease; null turns the check off. @defaultValue 1000 */
  latencySloMs: number | null;
  /** Longest Retry-After honoured; a larger one is cut to this. @defaultValue 30000 */
  maxHoldMs: number;
  /** Bounds on the wait between two multiplicative decreases (otherwise one median latency). @defaultValue 100 */
  minDecreaseIntervalMs: number;
  /** @defaultValue 1000 */
  maxDecreaseIntervalMs: number;
  /** Peak in-flight below this fraction of the limit means app-limited: no growth. @defaultValue 0.5 */
  appLimitedRatio: number;
  /** Fewest samples for a window's own median, p99 and error rate to be trusted; sparser windows use the latency average. @defaultValue 5 */
  minSamples: number;
  /** Samples to see before the latency average may become the baseline; until then only slow start runs. @defaultValue 20 */
  baselineWarmupSamples: number;
  /**
   * Sample count at which a window moves the latency average halfway: a window of n
   * samples gets weight n / (n + this), so sparse windows barely move it.
   * @defaultValue 20
   */
  latencySmoothingSamples: number;
  /** A baseline not re-observed for this long is re-measured by a probe. @defaultValue 30000 */
  baselineTtlMs: number;
  /**
   * Deep congestion (gradient ≤ fastGradient) lasting this long despite decreases is
   * taken as a latency shift rather than a queue, and triggers a probe at once.
   * @defaultValue 3000
   */
  congestionProbeMs: number;
  /** Length of a baseline probe. @defaultValue 600 */
  probeDurationMs: number;
  /** Limit during a probe, as a fraction of the limit before it. @defaultValue 0.5 */
  probeLimitRatio: number;
  /** Latency assumed to turn the limit into a rate (limit ÷ latency) before any is measured. @defaultValue 100 */
  assumedRttMs: number;
  /** @defaultValue DEFAULT_BATCH_SIZE_OPTIONS */
  batch: BatchSizeOptions;
}

export const DEFAULT_ADAPTIVE_OPTIONS: AdaptiveOptions = {
  initialLimit: 4,
  minLimit: 1,
  maxLimit: 1000,
  minRatePerSec: 0.5,
  maxRatePerSec: 10_000,
  rttTolerance: 1.25,
  smoothing: 0.2,
  queueAllowance: 'sqrt',
  fastGradient: 0.7,
  slowStartGrowthPerSec: 4,
  accelerationHoldMs: 3000,
  backoffRatio: 0.5,
  errorRateThreshold: 0.05,
  latencySloMs: 1000,
  maxHoldMs: 30_000,
  minDecreaseIntervalMs: 100,
  maxDecreaseIntervalMs: 1000,
  appLimitedRatio: 0.5,
  minSamples: 5,
  baselineWarmupSamples: 20,
  latencySmoothingSamples: 20,
  baselineTtlMs: 30_000,
  congestionProbeMs: 3000,
  probeDurationMs: 600,
  probeLimitRatio: 0.5,
  assumedRttMs: 100,
  batch: DEFAULT_BATCH_SIZE_OPTIONS,
};
