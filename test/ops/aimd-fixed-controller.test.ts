import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aimdController, initialAimdState, stepAimd } from '../../src/ops/controller/aimd-controller.js';
import { fixedController } from '../../src/ops/controller/fixed-controller.js';
import { windowAt } from './window-fixtures.js';

describe('AIMD controller', () => {
  it('adds one per window without a drop and multiplies by 0.9 on any failure', () => {
    let state = initialAimdState(0);
    ({ state } = stepAimd(state, windowAt(100), 100));
    assert.equal(state.limit, 11);
    const { state: cut, decision } = stepAimd(state, windowAt(200, { ok: 19, failures: [{ latencyMs: 10, ok: false, status: 400 }] }), 200);
    assert.equal(decision.reason, 'error_backoff');
    assert.ok(Math.abs(cut.limit - 11 * 0.9) < 1e-9);
  });

  it('always cuts by at least one, as AIMDLimit does', () => {
    const { state } = stepAimd({ limit: 5, lastP50Ms: 100 }, windowAt(100, { ok: 0, failures: [{ latencyMs: 10, ok: false }] }), 100);
    assert.equal(state.limit, 4);
  });

  it('treats a p99 past the timeout as a drop', () => {
    const { decision } = stepAimd({ limit: 20, lastP50Ms: 100 }, windowAt(100, { latencyMs: 6000 }), 100);
    assert.equal(decision.reason, 'error_backoff');
  });

  it('holds when app-limited or when no request finished', () => {
    const policy = aimdController();
    const state = policy.initialState(0);
    assert.equal(policy.step(state, { ...windowAt(100), peakInFlight: 2 }, 100).decision.reason, 'app_limited');
    assert.equal(policy.step(state, windowAt(100, { ok: 0 }), 100).decision.reason, 'no_samples');
  });

  it('turns the limit into a rate at the last median latency', () => {
    const { decision } = stepAimd({ limit: 20, lastP50Ms: 100 }, windowAt(100, { latencyMs: 200 }), 100);
    assert.equal(decision.ratePerSec, (21 * 1000) / 200);
  });
});

describe('fixed controller', () => {
  it('returns its configured limit, rate and batch size whatever it observes', () => {
    const policy = fixedController({ limit: 7, ratePerSec: 70, batchSize: 35 });
    const refused = Array.from({ length: 20 }, () => ({ latencyMs: 5, ok: false, status: 429 }));
    const { decision } = policy.step(policy.initialState(0), windowAt(100, { ok: 0, failures: refused }), 100);
    assert.deepEqual({ limit: decision.limit, ratePerSec: decision.ratePerSec, batchSize: decision.batchSize, reason: decision.reason }, { limit: 7, ratePerSec: 70, batchSize: 35, reason: 'fixed' });
  });
});
