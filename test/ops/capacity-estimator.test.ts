import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CapacityState, classifyWindow, confidenceOf, INITIAL_CAPACITY, updateCapacity } from '../../src/ops/capacity-estimator.js';
import { adaptiveController, type AdaptiveState } from '../../src/ops/controller/adaptive-controller.js';
import type { ControlDecision, ControllerPolicy } from '../../src/ops/controller/controller-policy.js';
import { mergeCapacity } from '../../src/ops/monitor.js';
import { capacityOf, type DownstreamModel, simulate } from './simulated-downstream.js';

const MODEL: DownstreamModel = { servers: 30, serviceMs: 100, serviceJitter: 0.3, networkMs: 20, networkJitterMs: 5, maxQueue: 50, retryAfterMs: 1000 };
const C = capacityOf(MODEL);

/**
 * The adaptive controller against the simulated downstream, with the estimator fed
 * each window the way the control loop feeds it; `cap` is an operator's rate cap.
 */
function run(start: CapacityState, cap: number | null, durationMs = 20_000) {
  const inner = adaptiveController({ latencySloMs: 1000 });
  let capacity = start;
  let last: ControlDecision | null = null;
  const policy: ControllerPolicy<AdaptiveState> = {
    name: 'estimated',
    initialState: inner.initialState,
    step(state, stats, now) {
      const window = classifyWindow({
        stats,
        messagesPerSec: stats.goodputPerSec,
        baselineMs: state.baselineMs,
        rttTolerance: 1.25,
        errorRateThreshold: 0.05,
        inFlight: stats.peakInFlight ?? 0,
        limit: last?.limit ?? 4,
        capBinding: cap !== null && stats.throughputPerSec >= cap * 0.8,
        demandLeft: true,
        controllerGrowing: ['slow_start', 'increase'].includes(last?.reason ?? 'slow_start'),
      });
      capacity = updateCapacity(capacity, window.kind, stats.goodputPerSec, now);
      const result = inner.step(state, stats, now);
      last = result.decision;
      return cap === null ? result : { ...result, decision: { ...result.decision, ratePerSec: Math.min(result.decision.ratePerSec, cap) } };
    },
  };
  simulate(policy, { durationMs, stepMs: 250, timeoutMs: 2000, seed: 7, modelAt: () => MODEL });
  return capacity;
}

describe('capacity estimate', () => {
  it('is within ±15% of the true capacity after a campaign that reached it, and observed', () => {
    const estimate = run(INITIAL_CAPACITY, null);
    assert.equal(estimate.observed, true);
    assert.ok(Math.abs(estimate.perSec! - C) / C <= 0.15, `estimated ${estimate.perSec?.toFixed(1)}/s for C = ${C}/s`);
    assert.ok(confidenceOf(estimate) > 0.5);
  });

  it('is left unchanged by a campaign an operator capped at 0.5/s', () => {
    const known = run(INITIAL_CAPACITY, null);
    const after = run(known, 0.5, 10_000);
    assert.deepEqual(after, known);
  });

  it('from an app-limited campaign alone is only an estimate, never observed', () => {
    const estimate = run(INITIAL_CAPACITY, 20, 10_000);
    assert.equal(estimate.observed, false);
    assert.equal(confidenceOf(estimate), 0);
    assert.ok(estimate.perSec! <= 25, `${estimate.perSec}`);
  });

  it('per downstream: a newer observation replaces the estimate; an estimate only raises it', () => {
    const observed = { perSec: 300, measuredAt: '2026-01-01T00:00:10Z', campaignId: 'a', kind: 'observed' as const, confidence: 1 };
    assert.deepEqual(mergeCapacity(observed, { perSec: 4, measuredAt: '2026-01-01T00:00:20Z', campaignId: 'b', kind: 'estimated', confidence: 0 }), observed);
    assert.equal(mergeCapacity(observed, { perSec: 350, measuredAt: '2026-01-01T00:00:20Z', campaignId: 'b', kind: 'estimated', confidence: 0 }).perSec, 350);
    assert.equal(mergeCapacity(observed, { perSec: 100, measuredAt: '2026-01-01T00:00:30Z', campaignId: 'c', kind: 'observed', confidence: 0.5 }).perSec, 100);
  });

  it('marks windows: overload and rising latency are the downstream; a cap, no demand or a growing controller are the campaign', () => {
    const stats = { count: 50, overloadCount: 0, errorCount: 0, clientErrorCount: 0, p50LatencyMs: 20 } as unknown as Parameters<typeof classifyWindow>[0]['stats'];
    const base = { stats, messagesPerSec: 100, baselineMs: 20, rttTolerance: 1.25, errorRateThreshold: 0.05, inFlight: 10, limit: 10, capBinding: false, demandLeft: true, controllerGrowing: false };
    assert.equal(classifyWindow(base).kind, 'downstream_limited');
    assert.equal(classifyWindow({ ...base, capBinding: true }).kind, 'app_limited');
    assert.equal(classifyWindow({ ...base, demandLeft: false }).kind, 'app_limited');
    assert.equal(classifyWindow({ ...base, controllerGrowing: true }).kind, 'app_limited');
    assert.equal(classifyWindow({ ...base, inFlight: 3 }).kind, 'app_limited');
    assert.equal(classifyWindow({ ...base, capBinding: true, stats: { ...stats, overloadCount: 2 } }).kind, 'downstream_limited');
    assert.equal(classifyWindow({ ...base, capBinding: true, stats: { ...stats, p50LatencyMs: 40 } }).kind, 'downstream_limited');
    assert.equal(classifyWindow({ ...base, stats: { ...stats, count: 2 } }).kind, 'empty');
  });
});
