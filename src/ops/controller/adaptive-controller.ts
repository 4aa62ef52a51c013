import { DEFAULT_ADAPTIVE_OPTIONS, type AdaptiveOptions } from './adaptive-options.js';
import { clamp, type ControlReason, type ControllerObservation, type ControllerPolicy, type ControllerStepResult } from './controller-policy.js';
import { batchSizeForRate } from './recommend-batch-size.js';

/** A baseline probe: the limit is cut, and the median latency of its second half becomes the new baseline. */
export interface AdaptiveProbe {
  startedAt: number;
  until: number;
  resumeLimit: number;
  /** Σ n·p50 and Σ n over the windows of the probe's second half, after the queue drained. */
  weightedP50Ms: number;
  samples: number;
}

export interface AdaptiveState {
  phase: 'slow_start' | 'steady';
  /** Unrounded limit; decisions floor it. */
  limit: number;
  /** Sample-weighted moving average of the window medians. */
  latencyEwmaMs: number | null;
  samplesSeen: number;
  /** No-load median latency: the lowest latency average seen since the last probe. */
  baselineMs: number | null;
  /** When the latency average last came within reach of the baseline (or a probe re-measured it). */
  baselineAt: number;
  /** Start of the current run of windows with gradient ≤ fastGradient, or null. */
  deepCongestionSince: number | null;
  probe: AdaptiveProbe | null;
  /** Until this (Retry-After) the limit may not grow past `holdCeiling`. */
  holdUntil: number;
  /** The in-flight the downstream accepted when it last refused: (1 − refused share) × the limit then. */
  holdCeiling: number;
  /** No multiplicative decrease before this: the requests sent after the last one have not answered yet. */
  decreaseAllowedAt: number;
  goodputEwma: number | null;
  /** Highest smoothed goodput seen with p99 within the SLO, cut to the goodput seen whenever the downstream saturates. */
  capacityPerSec: number | null;
  lastStepAt: number | null;
  /** Steady-state increases in a row: each grows twice the last, up to slow start's pace (absent in state saved before it existed). */
  increaseStreak?: number;
  /** The limit at which latency last rose past the tolerance: growth accelerates only above it (absent in state saved before it existed). */
  kneeLimit?: number;
  /** No accelerated growth before this: the last refusal or error backoff showed where the limit overshoots. */
  accelerateFrom?: number;
  /**
   * Requests/s, set when a decrease found the limit already at `minLimit`: one request in flight can still
   * send more than a downstream whose capacity counts messages takes, so the rate ceiling is cut instead.
   * Null (or absent, in state saved before it existed) when limit ÷ baseline is the ceiling.
   */
  rateCap?: number | null;
  /** The rate sent when the rate cap was last cut: the cap's growth accelerates only above it. */
  rateKnee?: number;
  /**
   * The floored limit before its last rise, and until when the answers to requests sent after that rise
   * may still be out: until then growth stays within twice it (absent in state saved before it existed).
   */
  riseFrom?: number;
  riseUntil?: number;
}

/** A latency average within this factor of the baseline confirms the baseline is still current. */
const BASELINE_CONFIRM_FACTOR = 1.1;
const GOODPUT_EWMA_WEIGHT = 0.3;
/** After refusals, aim this far below the accepted share so the next window comes back clean. */
const REFUSED_SHARE_MARGIN = 0.9;

export function initialAdaptiveState(now: number, options: AdaptiveOptions = DEFAULT_ADAPTIVE_OPTIONS): AdaptiveState {
  return {
    phase: 'slow_start',
    limit: clamp(options.initialLimit, options.minLimit, options.maxLimit),
    latencyEwmaMs: null,
    samplesSeen: 0,
    baselineMs: null,
    baselineAt: now,
    deepCongestionSince: null,
    probe: null,
    holdUntil: now,
    holdCeiling: clamp(options.initialLimit, options.minLimit, options.maxLimit),
    decreaseAllowedAt: now,
    goodputEwma: null,
    capacityPerSec: null,
    lastStepAt: null,
    increaseStreak: 0,
  };
}

/**
 * One step of the adaptive controller: explicit overload (429/503, Retry-After),
 * load-error rate and p99-over-SLO checks first, then a Gradient2-style latency
 * gradient against a min-filtered baseline, with an unsmoothed fast path and a
 * slow-start probe. See docs/adaptive-controller.md.
 */
export function stepAdaptive(
  state: AdaptiveState,
  obs: ControllerObservation,
  now: number,
  options: AdaptiveOptions = DEFAULT_ADAPTIVE_OPTIONS,
): ControllerStepResult<AdaptiveState> {
  const o = options;
  const dtMs = state.lastStepAt === null ? obs.durationMs : clamp(now - state.lastStepAt, 0, 1000);
  const s: AdaptiveState = { ...state, lastStepAt: now };
  const p50 = obs.p50LatencyMs;
  if (obs.count === 0 || p50 === null) return decide(s, o, 'no_samples', 'no request finished in the window');

  const p99 = obs.p99LatencyMs ?? p50;
  // Latency is weighed by the messages that waited for it: one batch request of 100 tells as much
  // about a downstream whose capacity counts messages as 100 single requests (its median and p99
  // are the messages' own). Counted per request, a batch campaign's windows held 2–3 samples,
  // never `minSamples`, so its SLO check never ran and its latency average lagged by seconds.
  const observed = Math.max(obs.count, obs.messageCount ?? obs.count);
  const enough = observed >= o.minSamples;
  const weight = observed / (observed + o.latencySmoothingSamples);
  const latency = s.latencyEwmaMs === null ? p50 : s.latencyEwmaMs + weight * (p50 - s.latencyEwmaMs);
  s.latencyEwmaMs = latency;
  s.samplesSeen += observed;
  s.goodputEwma = s.goodputEwma === null ? obs.goodputPerSec : s.goodputEwma + GOODPUT_EWMA_WEIGHT * (obs.goodputPerSec - s.goodputEwma);
  // Refusals answer at once: a window holding them reads faster than the service ever is, and a
  // baseline taken from it (29 ms against a true 116 ms, in simulation after C → 4C) reads as
  // queueing forever after and cuts the limit to 1.
  const servedOnly = obs.overloadCount === 0;
  if (s.probe) {
    if (now - s.probe.startedAt >= o.probeDurationMs / 2) {
      s.probe = { ...s.probe, weightedP50Ms: s.probe.weightedP50Ms + obs.count * p50, samples: s.probe.samples + obs.count };
    }
  } else if (servedOnly && s.samplesSeen >= o.baselineWarmupSamples && (s.baselineMs === null || latency <= s.baselineMs)) {
    s.baselineMs = latency;
    s.baselineAt = now;
  } else if (servedOnly && s.baselineMs !== null && latency <= s.baselineMs * BASELINE_CONFIRM_FACTOR) {
    s.baselineAt = now;
  }

  // A sparse window's own median is noise; the sample-weighted average stands in for it.
  const shortRtt = enough ? p50 : latency;
  // Before warm-up the gradient reads 1: slow start runs on the explicit signals alone.
  const baseline = s.baselineMs ?? shortRtt;
  const gradient = clamp((o.rttTolerance * baseline) / shortRtt, 0.5, 1);
  s.deepCongestionSince = gradient <= o.fastGradient && !s.probe ? (s.deepCongestionSince ?? now) : null;
  const loadErrors = obs.errorCount - obs.overloadCount - obs.clientErrorCount;
  const loadErrorRate = loadErrors / obs.count;
  const sloBreach = enough && o.latencySloMs !== null && p99 > o.latencySloMs;
  // The rate ceiling (limit ÷ baseline) holds in flight to limit × latency ÷ baseline when requests
  // answer faster than the baseline: that is the controller's own ceiling, not the sender running dry.
  const usable = Math.min(s.limit, (ceilingRate(s, o) * shortRtt) / 1000);
  const appLimited = obs.peakInFlight !== undefined && obs.peakInFlight < usable * o.appLimitedRatio;
  // In-flight that carries the goodput seen at no-load latency: a latency decrease never needs to go lower.
  // The smaller of window and average goodput, so a capacity drop is not masked by the average's lag.
  const carried = (Math.min(s.goodputEwma, obs.goodputPerSec) * baseline) / 1000;
  const limitText = (from: number) => `limit ${requestsAllowed(from)} → ${requestsAllowed(s.limit)}`;

  const decrease = (factor: number, floor: number, reason: ControlReason, why: string, rateToo = false) => {
    if (now < s.decreaseAllowedAt) return decide(s, o, 'decrease_cooldown', `${why}; waiting for the last decrease to take effect`);
    const before = s.limit;
    const target = s.probe ? s.probe.resumeLimit : s.limit;
    const next = clamp(Math.max(target * factor, Math.min(target, floor)), o.minLimit, o.maxLimit);
    if (s.probe) s.probe = { ...s.probe, resumeLimit: next };
    s.limit = Math.min(s.limit, next);
    s.phase = 'steady';
    // At the floor the limit cannot cut: on refusals the rate does, to a little under the requests/s the downstream
    // delivered (the refusals' margin), never by more than backoffRatio at once. In the bench one
    // 100-message request in flight sent up to 1.4·C/4 after C → C/4, and only a baseline probe (~5 s
    // later) brought the rate ceiling (limit ÷ baseline) down. Only refusals: at the floor the latency is
    // one lone request's own, no queue of ours (cut on it, a batch downstream's 300 ms per request at C/4
    // spiralled the rate to 0.5/s in simulation), and one 500 among 2–3 requests a window is a 33–50%
    // error rate (cut on it, the bench's rate fell to 1–3 requests/s at C with two workers).
    const cutRate = rateToo && target * factor < o.minLimit && !s.probe;
    if (cutRate) {
      const sending = Math.min(ceilingRate(s, o), (s.limit * 1000) / shortRtt);
      const perRequest = Math.max(1, (obs.messageCount ?? obs.count) / obs.count);
      const carriedRate = Math.min(s.goodputEwma ?? 0, obs.goodputPerSec) / perRequest;
      s.rateCap = clamp(Math.max(sending * o.backoffRatio, Math.min(sending, carriedRate) * REFUSED_SHARE_MARGIN), o.minRatePerSec, o.maxRatePerSec);
      s.rateKnee = sending;
    }
    // One median latency for the requests sent before the cut to answer, then one whole window of
    // answers to requests sent after it: the next window still holds the old limit's answers (a
    // cooldown of the latency alone, ~100 ms against 250 ms steps, cut 91 → 55 → 34 after C → 4C in
    // the bench, the second time on the first cut's own overshoot).
    s.decreaseAllowedAt = now + clamp(shortRtt, o.minDecreaseIntervalMs, o.maxDecreaseIntervalMs) + dtMs;
    return decide(s, o, reason, `${why}: ${limitText(before)}${cutRate ? `, rate ${s.rateCap?.toFixed(1)}/s` : ''}`);
  };

  const congested = obs.overloadCount > 0 || (enough && loadErrorRate > o.errorRateThreshold) || sloBreach || gradient < 1;
  if (congested) s.capacityPerSec = s.goodputEwma;
  else if (!appLimited) s.capacityPerSec = Math.max(s.capacityPerSec ?? 0, s.goodputEwma);

  if (obs.overloadCount > 0) {
    const retryAfter = Math.min(obs.maxRetryAfterMs ?? 0, o.maxHoldMs);
    // Refusals of requests sent before the last cut say nothing new: they neither cut again nor extend the hold.
    if (now >= s.decreaseAllowedAt) {
      s.holdUntil = Math.max(s.holdUntil, now + retryAfter);
      s.holdCeiling = s.limit * (1 - obs.overloadCount / obs.count);
    }
    const why = `${obs.overloadCount} of ${obs.count} refused as overload${retryAfter > 0 ? `, Retry-After ${retryAfter} ms` : ''}`;
    s.accelerateFrom = now + o.accelerationHoldMs;
    return decrease(refusedShareFactor(obs.overloadCount / obs.count, o), 0, 'overload_backoff', why, true);
  }
  if (enough && loadErrorRate > o.errorRateThreshold) {
    const why = `load error rate ${pct(loadErrorRate)} > ${pct(o.errorRateThreshold)}`;
    s.accelerateFrom = now + o.accelerationHoldMs;
    return decrease(refusedShareFactor(loadErrorRate, o), 0, 'error_backoff', why);
  }
  if (sloBreach && o.latencySloMs !== null) {
    s.kneeLimit = s.limit;
    const why = `p99 ${Math.round(p99)} ms > SLO ${o.latencySloMs} ms`;
    return decrease(Math.max(0.5, o.latencySloMs / p99), carried, 'latency_slo_backoff', why);
  }
  if (s.probe) return finishOrHoldProbe(s, o, now);
  const stale = now - s.baselineAt > o.baselineTtlMs;
  const stuck = s.deepCongestionSince !== null && now - s.deepCongestionSince >= o.congestionProbeMs;
  if (s.phase === 'steady' && s.baselineMs !== null && (stale || stuck)) {
    s.probe = { startedAt: now, until: now + o.probeDurationMs, resumeLimit: s.limit, weightedP50Ms: 0, samples: 0 };
    s.deepCongestionSince = null;
    s.limit = clamp(s.limit * o.probeLimitRatio, o.minLimit, o.maxLimit);
    const why = stale ? `baseline not seen for ${o.baselineTtlMs} ms` : `latency ${Math.round(shortRtt)} ms has not fallen for ${o.congestionProbeMs} ms`;
    return decide(s, o, 'probe_baseline', `${why}: limit cut to ${Math.floor(s.limit)} to re-measure the no-load latency`);
  }

  const gradientText = `gradient ${gradient.toFixed(2)} (p50 ${Math.round(shortRtt)} ms, baseline ${Math.round(baseline)} ms)`;
  if (gradient < 1 && (s.phase === 'slow_start' || gradient <= o.fastGradient)) {
    s.kneeLimit = s.limit;
    return decrease(gradient, carried, 'fast_decrease', gradientText);
  }
  if (gradient < 1) {
    const before = s.limit;
    s.kneeLimit = before;
    const estimate = s.limit * gradient + queueAllowance(s.limit, o);
    s.limit = clamp(s.limit * (1 - o.smoothing) + estimate * o.smoothing, o.minLimit, o.maxLimit);
    return decide(s, o, 'gradient_decrease', `${gradientText}: ${limitText(before)}`);
  }
  if (loadErrors > 0) return decide(s, o, 'steady', `${loadErrors} load errors, under the ${pct(o.errorRateThreshold)} threshold: no growth`);
  if (appLimited) return decide(s, o, 'app_limited', `peak in flight ${obs.peakInFlight} < ${pct(o.appLimitedRatio)} of limit ${Math.floor(s.limit)}`);
  const holding = now < s.holdUntil;
  if (holding && s.limit >= s.holdCeiling) {
    return decide(s, o, 'retry_after_hold', `at the ${Math.floor(s.holdCeiling)} accepted before the refusal until Retry-After passes (${s.holdUntil - now} ms left)`);
  }

  const before = s.limit;
  if (s.phase === 'slow_start') {
    s.limit = clamp(withinOneDoubling(s, s.limit * o.slowStartGrowthPerSec ** (dtMs / 1000), shortRtt, now), o.minLimit, o.maxLimit);
    return decide(s, o, 'slow_start', `${gradientText}: ${limitText(before)}`);
  }
  if (s.rateCap != null) {
    // One actuator at a time: while the rate cap binds, it grows and the limit waits. By `smoothing` of
    // itself every 1.5 s below the rate that drew the cut: against a downstream that only refuses, 20%
    // a second crept past 1.3·C/4 before the next refusal (simulation, seeds 3 and 4). Above it, each
    // increase in a row doubles that step, up to slow start's pace, as the limit follows a capacity rise.
    const cap = s.rateCap;
    const streak = cap > (s.rateKnee ?? 0) && now >= (s.accelerateFrom ?? 0) ? (s.increaseStreak ?? 0) : 0;
    const fastest = cap * (o.slowStartGrowthPerSec ** (dtMs / 1000) - 1);
    const step = (cap * o.smoothing * dtMs) / 1500;
    s.rateCap = cap + Math.max(step, Math.min(step * 2 ** streak, fastest));
    s.increaseStreak = streak + 1;
    if (s.rateCap >= (s.limit * 1000) / rttOf(s, o)) s.rateCap = null;
    return decide(s, o, 'increase', `${gradientText}: rate cap ${cap.toFixed(1)} → ${s.rateCap === null ? 'none' : `${s.rateCap.toFixed(1)}/s`}`);
  }
  // Gradient2's step, doubled for every increase in a row above the knee (capacity rose: the limit is
  // used past where latency last rose, and latency stays at the baseline), never faster than slow
  // start. A step of 0.2·√limit alone took 5–16 s to follow capacity from C to 4C. Below the knee the
  // plain step: accelerating back up to where the last cut came from repeated that cut every few
  // seconds at a steady C (goodput 0.73·C in the bench). Not for a while after refusals or errors
  // either: a downstream with a short queue gives no latency warning before it refuses, and
  // accelerating into the same refusals every two seconds cost a tenth of the goodput in simulation.
  const streak = s.limit > (s.kneeLimit ?? 0) && now >= (s.accelerateFrom ?? 0) ? (s.increaseStreak ?? 0) : 0;
  const fastest = s.limit * (o.slowStartGrowthPerSec ** (dtMs / 1000) - 1);
  const step = o.smoothing * queueAllowance(s.limit, o);
  const grown = withinOneDoubling(s, s.limit + Math.max(step, Math.min(step * 2 ** streak, fastest)), shortRtt, now);
  s.limit = clamp(holding ? Math.min(grown, s.holdCeiling) : grown, o.minLimit, o.maxLimit);
  s.increaseStreak = streak + 1;
  return decide(s, o, 'increase', `${gradientText}: ${limitText(before)}`);
}

function finishOrHoldProbe(s: AdaptiveState, o: AdaptiveOptions, now: number): ControllerStepResult<AdaptiveState> {
  const probe = s.probe;
  if (!probe || now < probe.until) return decide(s, o, 'probe_baseline', 'measuring the no-load latency');
  const previous = s.baselineMs;
  if (probe.samples > 0) s.baselineMs = probe.weightedP50Ms / probe.samples;
  s.baselineAt = now;
  s.limit = probe.resumeLimit;
  s.probe = null;
  // The old baseline was wrong by more than the tolerance: the limit was cut for nothing, so find capacity again.
  if (previous !== null && s.baselineMs !== null && s.baselineMs > previous * o.rttTolerance) {
    s.phase = 'slow_start';
    s.rateCap = null;
  }
  return decide(s, o, 'probe_baseline', `baseline re-measured: ${Math.round(previous ?? 0)} → ${Math.round(s.baselineMs ?? 0)} ms; limit back to ${Math.floor(s.limit)}`);
}

/**
 * Growth that has not been answered yet is blind: the requests sent after the floored limit rose show
 * what it did only once they answer, one latency later, longer in proportion to the rise if the
 * downstream is saturated (Little's law). Until then the limit may not pass twice the floored limit
 * before the rise, the rise included (TCP's slow start doubles per round trip at most, RFC 5681).
 * Growth per second alone went blind when a request took longer than a control step: in batch mode
 * after C → C/4 (one 100-message request answered in ~380 ms, stepped every 250 ms) slow start after
 * the congestion probe went 1 → 2 → 3 before the second request answered, 7 requests in 2 s against
 * 5 taken, and the third was refused. With a latency shorter than a step the wait is over by the next
 * step, and at a larger limit a step never doubles. (Waiting one more step as well, as the decrease
 * cooldown does, halved slow start at `everyMs` 500 in simulation.)
 */
function withinOneDoubling(s: AdaptiveState, grown: number, latencyMs: number, now: number): number {
  if (now < (s.riseUntil ?? 0)) return Math.min(grown, Math.max(s.limit, 2 * (s.riseFrom ?? Infinity)));
  // Requests in flight, not the unrounded limit: 1.6 → 2.3 rises from one request, so it may reach 2,
  // not 3, before the second answers.
  const from = Math.max(1, requestsAllowed(s.limit));
  const next = Math.min(grown, Math.max(s.limit, 2 * from));
  if (requestsAllowed(next) > from) {
    s.riseFrom = from;
    s.riseUntil = now + (latencyMs * requestsAllowed(next)) / from;
  }
  return next;
}

/**
 * Cut to a little under the share the downstream accepted (1 − refused), never by more
 * than backoffRatio: halving on one 429 in twenty throws away capacity a downstream
 * with a short queue keeps refusing only at the margin.
 */
function refusedShareFactor(refused: number, o: AdaptiveOptions): number {
  return Math.max(o.backoffRatio, (1 - refused) * REFUSED_SHARE_MARGIN);
}

function queueAllowance(limit: number, o: AdaptiveOptions): number {
  return o.queueAllowance === 'sqrt' ? Math.max(1, Math.sqrt(limit)) : o.queueAllowance;
}

function decide(s: AdaptiveState, o: AdaptiveOptions, reason: ControlReason, detail: string): ControllerStepResult<AdaptiveState> {
  // A window without answers says nothing either way: it neither continues nor ends a streak.
  if (reason !== 'increase' && reason !== 'no_samples') s.increaseStreak = 0;
  const limit = Math.max(o.minLimit, requestsAllowed(s.limit));
  // The most this limit could carry at no-load latency (Little's law): a ceiling that stops bursts
  // without binding before the limit does. Limit ÷ current latency would bind while a queue
  // drains, under-send, and read as app-limited.
  const ratePerSec = ceilingRate(s, o);
  return { state: s, decision: { limit, ratePerSec, batchSize: batchSizeForRate(ratePerSec, o.batch), reason, detail } };
}

/** The unrounded limit as whole requests; the nudge keeps a limit of 8 computed as 7.999… from allowing 7. */
function requestsAllowed(limit: number): number {
  return Math.floor(limit + 1e-9);
}

function rttOf(s: AdaptiveState, o: AdaptiveOptions): number {
  return s.baselineMs ?? s.latencyEwmaMs ?? o.assumedRttMs;
}

/** Limit ÷ no-load latency, or the rate cap when a decrease at the limit's floor set one. */
function ceilingRate(s: AdaptiveState, o: AdaptiveOptions): number {
  return clamp(Math.min((s.limit * 1000) / rttOf(s, o), s.rateCap ?? Infinity), o.minRatePerSec, o.maxRatePerSec);
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

/** The adaptive controller behind the common policy interface. */
export function adaptiveController(options: Partial<AdaptiveOptions> = {}): ControllerPolicy<AdaptiveState> {
  const o = { ...DEFAULT_ADAPTIVE_OPTIONS, ...options };
  return {
    name: 'adaptive',
    initialState: (now) => initialAdaptiveState(now, o),
    step: (state, stats, now) => stepAdaptive(state, stats, now, o),
  };
}
