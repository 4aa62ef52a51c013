import type { LatencySample, WindowStats } from './window-stats.js';

/**
 * What one campaign's control windows say about its downstream's capacity, in
 * messages per second (a batch request of 100 carries 100). `observed`: a
 * downstream-limited window measured it; otherwise it is an estimate, a lower bound
 * seen while the campaign itself was the limit. docs/adaptive-controller.md explains.
 */
export interface CapacityState {
  perSec: number | null;
  observed: boolean;
  /** When a downstream-limited window last updated it (ms), null if never. */
  observedAt: number | null;
  /** When it last changed at all (ms). */
  updatedAt: number | null;
  /** Downstream-limited windows behind it since it was first observed. */
  observedWindows: number;
}

export const INITIAL_CAPACITY: CapacityState = { perSec: null, observed: false, observedAt: null, updatedAt: null, observedWindows: 0 };

export type WindowKind = 'downstream_limited' | 'app_limited' | 'empty';

export interface WindowContext {
  stats: WindowStats;
  /** Messages delivered per second in the window (sum of each successful request's recipients). */
  messagesPerSec: number;
  /** The no-load latency the controller measured, if it has one. */
  baselineMs: number | null;
  /** How far latency may rise over the baseline before it counts as queueing. */
  rttTolerance: number;
  /** Rate of load errors (not 4xx, not 429/503) that says the downstream is failing under load. */
  errorRateThreshold: number;
  /** Requests in flight when the window closed, and the limit the fleet applied. */
  inFlight: number;
  limit: number;
  /** The operator's cap (or the plan's own rate) was what held sending back. */
  capBinding: boolean;
  /** Recipients still waiting to be sent. */
  demandLeft: boolean;
  /** The controller is still raising its limit (slow start, probing): reaching it says nothing of the downstream. */
  controllerGrowing: boolean;
}

/** Fewest samples for a window to say anything. */
const MIN_SAMPLES = 5;
/** Fewest samples for a window's median latency to be more than noise. */
const MIN_LATENCY_SAMPLES = 20;

/**
 * Marks a window as BBR marks samples: downstream-limited when the downstream showed
 * its limit (429/503, load errors, latency rising past the base, or the limit reached
 * with demand left and no cap of ours in the way); app-limited otherwise (an operator
 * cap, a small audience, the last recipients, a plan's own rate).
 */
export function classifyWindow(w: WindowContext): { kind: WindowKind; why: string } {
  const s = w.stats;
  if (s.count < MIN_SAMPLES) return { kind: 'empty', why: `${s.count} answers` };
  if (s.overloadCount > 0) return { kind: 'downstream_limited', why: `${s.overloadCount} refused as overload` };
  const loadErrorRate = (s.errorCount - s.overloadCount - s.clientErrorCount) / s.count;
  if (loadErrorRate > w.errorRateThreshold) return { kind: 'downstream_limited', why: `load error rate ${(loadErrorRate * 100).toFixed(1)}%` };
  if (s.count >= MIN_LATENCY_SAMPLES && w.baselineMs !== null && s.p50LatencyMs !== null && s.p50LatencyMs > w.baselineMs * w.rttTolerance) {
    return { kind: 'downstream_limited', why: `median latency ${Math.round(s.p50LatencyMs)} ms past the base ${Math.round(w.baselineMs)} ms` };
  }
  if (w.capBinding) return { kind: 'app_limited', why: 'held back by the operator cap' };
  if (!w.demandLeft) return { kind: 'app_limited', why: 'no recipients left to send' };
  if (w.controllerGrowing) return { kind: 'app_limited', why: 'the controller is still probing upwards' };
  if (w.inFlight >= w.limit) return { kind: 'downstream_limited', why: `limit ${w.limit} reached with recipients left` };
  return { kind: 'app_limited', why: `${w.inFlight} in flight under a limit of ${w.limit}` };
}

/**
 * One window's update: a downstream-limited window moves the estimate (either way,
 * smoothed once observed); an app-limited one can only raise it, and never makes
 * it observed.
 */
export function updateCapacity(state: CapacityState, kind: WindowKind, messagesPerSec: number, now: number, smoothing = 0.3): CapacityState {
  if (kind === 'empty') return state;
  if (kind === 'app_limited') {
    if (state.perSec !== null && messagesPerSec <= state.perSec) return state;
    return { ...state, perSec: messagesPerSec, updatedAt: now };
  }
  const perSec = state.observed && state.perSec !== null ? state.perSec + smoothing * (messagesPerSec - state.perSec) : messagesPerSec;
  return { perSec, observed: true, observedAt: now, updatedAt: now, observedWindows: state.observedWindows + 1 };
}

/** Confidence in [0, 1]: grows with the downstream-limited windows behind the estimate, 0 for a mere estimate. */
export function confidenceOf(state: CapacityState): number {
  return state.observed ? Math.min(1, state.observedWindows / 10) : 0;
}

/** Messages delivered per second in a window of `durationMs`. */
export function messagesPerSec(samples: readonly LatencySample[], durationMs: number): number {
  let messages = 0;
  for (const s of samples) if (s.ok) messages += s.messages ?? 1;
  return (messages * 1000) / Math.max(1, durationMs);
}
