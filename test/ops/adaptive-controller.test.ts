import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adaptiveController, initialAdaptiveState, stepAdaptive, type AdaptiveState } from '../../src/ops/controller/adaptive-controller.js';
import { DEFAULT_ADAPTIVE_OPTIONS } from '../../src/ops/controller/adaptive-options.js';
import { deepFreeze, windowAt, type WindowSpec } from './window-fixtures.js';

const o = DEFAULT_ADAPTIVE_OPTIONS;

/** A controller past slow start: limit 40, baseline 100 ms, last confirmed at `now`. */
function steadyAt(now: number, over: Partial<AdaptiveState> = {}): AdaptiveState {
  return {
    ...initialAdaptiveState(now),
    phase: 'steady',
    limit: 40,
    latencyEwmaMs: 100,
    samplesSeen: 10_000,
    baselineMs: 100,
    baselineAt: now,
    goodputEwma: 400,
    capacityPerSec: 400,
    lastStepAt: now,
    ...over,
  };
}

function stepWith(state: AdaptiveState, now: number, spec: WindowSpec = {}, peakInFlight?: number) {
  const stats = windowAt(now, spec);
  return stepAdaptive(state, peakInFlight === undefined ? stats : { ...stats, peakInFlight }, now);
}

describe('adaptive controller', () => {
  it('grows the limit by slowStartGrowthPerSec per second whether stepped every 100 ms or every 250 ms', () => {
    for (const stepMs of [100, 250]) {
      let state = initialAdaptiveState(0);
      for (let now = stepMs; now <= 1000; now += stepMs) state = stepWith(state, now, { durationMs: stepMs }).state;
      assert.ok(Math.abs(state.limit - o.initialLimit * o.slowStartGrowthPerSec) < 1e-9, `step ${stepMs}: ${state.limit}`);
      assert.equal(state.phase, 'slow_start');
    }
  });

  it('in slow start, does not pass twice the requests in flight before a rise until the requests sent after it can have answered', () => {
    // One 100-message request in flight answered in 400 ms, stepped every 250 ms: ×4 a second alone went 1 → 2 → 3 → 5 → 7
    // before the second request answered (2 in flight: ~800 ms), as in batch mode after C → C/4.
    let state: AdaptiveState = { ...steadyAt(0, { limit: 1, baselineMs: 400, latencyEwmaMs: 400, goodputEwma: 2.5 }), phase: 'slow_start' };
    const limits: number[] = [];
    for (let now = 250; now <= 2000; now += 250) {
      state = stepWith(state, now, { ok: 1, latencyMs: 400, durationMs: 250 }, Math.floor(state.limit)).state;
      limits.push(Math.floor(state.limit));
    }
    // The rise to 2 at 500 ms waits for the second request's answer, 2 × 400 ms at saturation (Little's law): growth
    // resumes from 1300 ms, and the rise to 3 at 1750 ms may go on to 4 (twice 2) while its answers are out.
    assert.deepEqual(limits, [1, 1, 2, 2, 2, 2, 3, 4]);
  });

  it('leaves slow start with a cut once the median latency rises past the tolerance', () => {
    const state = { ...steadyAt(0), phase: 'slow_start' as const };
    const { state: next, decision } = stepWith(state, 100, { latencyMs: 140 });
    assert.equal(next.phase, 'steady');
    assert.equal(decision.reason, 'fast_decrease');
    assert.ok(next.limit < 40 && next.limit >= 40 * 0.5);
  });

  it('cuts at once to the in-flight the goodput needs when latency more than doubles past the tolerance', () => {
    // p50 250 ms vs 1.25 × 100: gradient clamps to 0.5; 20 answers in 250 ms carry 8 in flight, so 0.5 × 40 wins.
    const { decision } = stepWith(steadyAt(0), 250, { latencyMs: 250, durationMs: 250 });
    assert.equal(decision.reason, 'fast_decrease');
    assert.equal(decision.limit, 20);
  });

  it('moves the limit by a smoothed Gradient2 step when the latency rise is moderate', () => {
    const { state, decision } = stepWith(steadyAt(0), 100, { latencyMs: 160 });
    const gradient = 125 / 160;
    const expected = 40 * 0.8 + (40 * gradient + Math.sqrt(40)) * 0.2;
    assert.equal(decision.reason, 'gradient_decrease');
    assert.ok(Math.abs(state.limit - expected) < 1e-9, `${state.limit} vs ${expected}`);
  });

  it('adds smoothing × √limit per healthy step once past slow start', () => {
    const { state, decision } = stepWith(steadyAt(0), 100);
    assert.equal(decision.reason, 'increase');
    assert.ok(Math.abs(state.limit - (40 + 0.2 * Math.sqrt(40))) < 1e-9);
  });

  it('cuts to just under the accepted share on 429s and grows no further than that share until Retry-After has passed', () => {
    const refused = Array.from({ length: 5 }, () => ({ latencyMs: 20, ok: false, status: 429, retryAfterMs: 2000 }));
    let { state, decision } = stepWith(steadyAt(0), 100, { ok: 15, failures: refused });
    assert.equal(decision.reason, 'overload_backoff');
    assert.equal(decision.limit, Math.floor(40 * 0.75 * 0.9));
    assert.equal(state.holdCeiling, 30);
    const reasons: string[] = [];
    for (let now = 200; now <= 2000; now += 100) {
      ({ state, decision } = stepWith(state, now));
      reasons.push(decision.reason);
      assert.ok(state.limit <= 30, `limit ${state.limit} at ${now}`);
    }
    assert.ok(reasons.includes('retry_after_hold'));
    ({ state, decision } = stepWith(state, 2200));
    assert.equal(decision.reason, 'increase');
    assert.ok(state.limit > 30);
  });

  it('halves at most, however many requests were refused', () => {
    const refused = Array.from({ length: 20 }, () => ({ latencyMs: 5, ok: false, status: 503 }));
    const { decision } = stepWith(steadyAt(0), 100, { ok: 0, failures: refused });
    assert.equal(decision.limit, 20);
  });

  it('does not cut again for refusals that answer within one median latency of the last cut', () => {
    const refused = [{ latencyMs: 20, ok: false, status: 429 }];
    const first = stepWith(steadyAt(0), 100, { ok: 19, failures: refused, latencyMs: 400 });
    const second = stepWith(first.state, 200, { ok: 19, failures: refused, latencyMs: 400 });
    assert.equal(second.decision.reason, 'decrease_cooldown');
    assert.equal(second.decision.limit, first.decision.limit);
  });

  it('cuts on a load error rate above the threshold but ignores 4xx client errors', () => {
    const timeouts = [{ latencyMs: 2000, ok: false }, { latencyMs: 2000, ok: false, status: 500 }];
    const cut = stepWith(steadyAt(0), 100, { ok: 18, failures: timeouts });
    assert.equal(cut.decision.reason, 'error_backoff');
    assert.ok(Math.abs(cut.state.limit - 40 * 0.9 * 0.9) < 1e-9);
    const invalid = Array.from({ length: 10 }, () => ({ latencyMs: 30, ok: false, status: 400 }));
    const ignored = stepWith(steadyAt(0), 100, { ok: 10, failures: invalid });
    assert.equal(ignored.decision.reason, 'increase');
  });

  it('cuts in proportion when p99 exceeds the SLO', () => {
    const { state, decision } = stepWith(steadyAt(0), 100, { latencyMs: [...Array(19).fill(100), 1250] });
    assert.equal(decision.reason, 'latency_slo_backoff');
    assert.ok(Math.abs(state.limit - 40 * (1000 / 1250)) < 1e-9);
  });

  it('does not grow while the sender keeps fewer than half the limit in flight', () => {
    const { state, decision } = stepWith(steadyAt(0), 100, {}, 10);
    assert.equal(decision.reason, 'app_limited');
    assert.equal(state.limit, 40);
  });

  it('changes nothing on a window where no request finished', () => {
    const before = steadyAt(0);
    const { state, decision } = stepWith(before, 100, { ok: 0 });
    assert.equal(decision.reason, 'no_samples');
    assert.equal(state.limit, before.limit);
  });

  it('keeps limit and rate within their bounds', () => {
    const controller = adaptiveController({ minLimit: 5, maxLimit: 42, maxRatePerSec: 300 });
    let state = { ...steadyAt(0), limit: 41 };
    for (let now = 100; now <= 1000; now += 100) {
      const { state: next, decision } = controller.step(state, windowAt(now), now);
      assert.ok(decision.limit <= 42 && decision.ratePerSec <= 300);
      state = next;
    }
    const refused = Array.from({ length: 20 }, () => ({ latencyMs: 5, ok: false, status: 429 }));
    for (let now = 1100; now <= 5000; now += 1000) {
      const { state: next, decision } = controller.step(state, windowAt(now, { ok: 0, failures: refused }), now);
      assert.ok(decision.limit >= 5);
      state = next;
    }
  });

  it('turns the limit into a rate at no-load latency and a batch of one cycle at that rate', () => {
    const { state, decision } = stepWith(steadyAt(0), 100, {}, 40);
    assert.ok(Math.abs(decision.ratePerSec - (state.limit * 1000) / 100) < 1e-9);
    assert.equal(decision.batchSize, Math.floor(decision.ratePerSec));
  });

  it('re-measures the baseline after baselineTtlMs without a confirming window, then restores the limit', () => {
    // Windows at 100 ms are within the 1.25 tolerance of an 80 ms baseline (no cut) but never within
    // 1.1 × 80 ms, so nothing confirms the baseline.
    let state = steadyAt(0, { baselineMs: 80 });
    let decision;
    for (let now = 100; now <= o.baselineTtlMs + 100; now += 100) ({ state, decision } = stepWith(state, now, { latencyMs: 100 }, 40));
    assert.equal(decision?.reason, 'probe_baseline');
    assert.ok(state.probe && state.limit <= state.probe.resumeLimit * o.probeLimitRatio + 1e-9);
    const resume = state.probe.resumeLimit;
    for (let now = o.baselineTtlMs + 200; now <= o.baselineTtlMs + 100 + o.probeDurationMs; now += 100) {
      ({ state, decision } = stepWith(state, now, { latencyMs: 100 }, 40));
    }
    assert.equal(state.probe, null);
    assert.equal(state.baselineMs, 100);
    assert.equal(state.limit, resume);
  });

  it('is pure: it neither writes to its inputs nor depends on anything but them', () => {
    const state = deepFreeze(steadyAt(0));
    const stats = deepFreeze(windowAt(100, { latencyMs: 160 }));
    const a = stepAdaptive(state, stats, 100);
    const b = stepAdaptive(state, stats, 100);
    assert.deepEqual(a, b);
  });

  it('cuts the rate, not the limit, on refusals at the limit floor of 1, and not on an error backoff there', () => {
    // Limit 1 at a 20 ms baseline: the ceiling would be 50 requests/s; 5 answers in 250 ms, 2 refused.
    const floor = steadyAt(0, { limit: 1, baselineMs: 20, latencyEwmaMs: 20, goodputEwma: 8 });
    const refused = { ok: 3, latencyMs: 20, durationMs: 250, failures: [{ latencyMs: 5, ok: false, status: 429 }, { latencyMs: 5, ok: false, status: 429 }] };
    const { state, decision } = stepWith(floor, 250, refused);
    assert.equal(decision.reason, 'overload_backoff');
    assert.equal(decision.limit, 1);
    // 0.9 × the ~9 requests/s delivered, but at least half of the 50 it could send: 25.
    assert.equal(decision.ratePerSec, 25);
    assert.equal(state.rateCap, 25);
    const errors = { ...refused, failures: refused.failures.map((f) => ({ ...f, status: 500 })) };
    const after500s = stepWith(floor, 250, errors);
    assert.equal(after500s.decision.reason, 'error_backoff');
    assert.equal(after500s.decision.ratePerSec, 50);
  });
});
