import type { WindowStats } from '../window-stats.js';

/** What a controller is told each step: the last window's stats, plus what the sender itself saw. */
export interface ControllerObservation extends WindowStats {
  /**
   * Most requests in flight at once during the window. When it stays under half the
   * limit the sender had too little work to test the limit, so no policy raises it.
   * Leave it out when unknown: the limit is then assumed to have been used.
   */
  peakInFlight?: number;
}

export type ControlReason =
  | 'slow_start'
  | 'increase'
  | 'steady'
  | 'app_limited'
  | 'no_samples'
  | 'retry_after_hold'
  | 'overload_backoff'
  | 'error_backoff'
  | 'latency_slo_backoff'
  | 'gradient_decrease'
  | 'fast_decrease'
  | 'decrease_cooldown'
  | 'probe_baseline'
  | 'fixed';

export interface ControlDecision {
  /** Requests allowed in flight at once, across the workers this controller steers. */
  limit: number;
  /** Send rate cap, requests per second (pacing; the limit still applies). */
  ratePerSec: number;
  /** Jobs to claim per dispatch cycle at this rate (see `batchSizeForRate`). */
  batchSize: number;
  reason: ControlReason;
  /** One human-readable line with the numbers behind the reason. */
  detail: string;
}

export interface ControllerStepResult<S> {
  state: S;
  decision: ControlDecision;
}

/** One control step: pure, so a benchmark can replay the same windows through several policies. */
export type ControllerStep<S> = (state: S, stats: ControllerObservation, now: number) => ControllerStepResult<S>;

/** A send-rate policy: its start state and its step function, options already bound. */
export interface ControllerPolicy<S> {
  name: string;
  initialState(now: number): S;
  step: ControllerStep<S>;
}

/** Shared bound check: every policy clamps its outputs the same way. */
export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
