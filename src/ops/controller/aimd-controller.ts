import { clamp, type ControlReason, type ControllerObservation, type ControllerPolicy, type ControllerStepResult } from './controller-policy.js';
import { DEFAULT_BATCH_SIZE_OPTIONS, batchSizeForRate, type BatchSizeOptions } from './recommend-batch-size.js';

/** Plain loss-based AIMD, as Netflix concurrency-limits' AIMDLimit, stepped once per window. */
export interface AimdOptions {
  /** @defaultValue 10 (AIMDLimit's default) */
  initialLimit: number;
  /** @defaultValue 1 */
  minLimit: number;
  /** @defaultValue 1000 */
  maxLimit: number;
  /** Added per window without a drop. @defaultValue 1 */
  increaseBy: number;
  /** Multiplier per window with a drop (AIMDLimit's default 0.9, allowed [0.5, 1)). @defaultValue 0.9 */
  backoffRatio: number;
  /** A window p99 above this counts as a drop, as AIMDLimit's timeout. @defaultValue 5000 */
  timeoutMs: number;
  /** Peak in-flight below this fraction of the limit: no growth (AIMDLimit grows only when inflight·2 ≥ limit). @defaultValue 0.5 */
  appLimitedRatio: number;
  /** @defaultValue 0.5 */
  minRatePerSec: number;
  /** @defaultValue 10000 */
  maxRatePerSec: number;
  /** Latency assumed to turn the limit into a rate before any is measured. @defaultValue 100 */
  assumedRttMs: number;
  /** @defaultValue DEFAULT_BATCH_SIZE_OPTIONS */
  batch: BatchSizeOptions;
}

export const DEFAULT_AIMD_OPTIONS: AimdOptions = {
  initialLimit: 10,
  minLimit: 1,
  maxLimit: 1000,
  increaseBy: 1,
  backoffRatio: 0.9,
  timeoutMs: 5000,
  appLimitedRatio: 0.5,
  minRatePerSec: 0.5,
  maxRatePerSec: 10_000,
  assumedRttMs: 100,
  batch: DEFAULT_BATCH_SIZE_OPTIONS,
};

export interface AimdState {
  limit: number;
  /** Last window's median latency, to turn the limit into a rate. */
  lastP50Ms: number | null;
}

export function initialAimdState(_now: number, options: AimdOptions = DEFAULT_AIMD_OPTIONS): AimdState {
  return { limit: clamp(options.initialLimit, options.minLimit, options.maxLimit), lastP50Ms: null };
}

/**
 * Any failed request (4xx other than 429 included, as AIMD knows no better) or a p99
 * past the timeout cuts the limit by `backoffRatio`; otherwise it grows by `increaseBy`.
 * The rate is the limit over the last median latency: AIMD steers concurrency only.
 */
export function stepAimd(
  state: AimdState,
  obs: ControllerObservation,
  _now: number,
  options: AimdOptions = DEFAULT_AIMD_OPTIONS,
): ControllerStepResult<AimdState> {
  const o = options;
  if (obs.count === 0) return decide(state, o, 'no_samples', 'no request finished in the window');
  const lastP50Ms = obs.p50LatencyMs ?? state.lastP50Ms;
  const p99 = obs.p99LatencyMs ?? 0;
  if (obs.errorCount > 0 || p99 > o.timeoutMs) {
    const limit = clamp(Math.min(state.limit - 1, state.limit * o.backoffRatio), o.minLimit, o.maxLimit);
    const why = obs.errorCount > 0 ? `${obs.errorCount} failed requests` : `p99 ${Math.round(p99)} ms > timeout ${o.timeoutMs} ms`;
    return decide({ limit, lastP50Ms }, o, 'error_backoff', `${why}: limit ${Math.floor(state.limit)} → ${Math.floor(limit)}`);
  }
  if (obs.peakInFlight !== undefined && obs.peakInFlight < state.limit * o.appLimitedRatio) {
    return decide({ ...state, lastP50Ms }, o, 'app_limited', `peak in flight ${obs.peakInFlight} under the limit ${Math.floor(state.limit)}`);
  }
  const limit = clamp(state.limit + o.increaseBy, o.minLimit, o.maxLimit);
  return decide({ limit, lastP50Ms }, o, 'increase', `no drops: limit ${Math.floor(state.limit)} → ${Math.floor(limit)}`);
}

function decide(state: AimdState, o: AimdOptions, reason: ControlReason, detail: string): ControllerStepResult<AimdState> {
  const ratePerSec = clamp((state.limit * 1000) / (state.lastP50Ms ?? o.assumedRttMs), o.minRatePerSec, o.maxRatePerSec);
  return {
    state,
    decision: { limit: Math.max(o.minLimit, Math.floor(state.limit)), ratePerSec, batchSize: batchSizeForRate(ratePerSec, o.batch), reason, detail },
  };
}

export function aimdController(options: Partial<AimdOptions> = {}): ControllerPolicy<AimdState> {
  const o = { ...DEFAULT_AIMD_OPTIONS, ...options };
  return { name: 'aimd', initialState: (now) => initialAimdState(now, o), step: (state, stats, now) => stepAimd(state, stats, now, o) };
}
