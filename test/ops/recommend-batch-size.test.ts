import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { batchSizeForRate, recommendBatchSize } from '../../src/ops/controller/recommend-batch-size.js';

describe('batch size recommendation', () => {
  it('plans at 80% of the measured capacity and sizes one batch to one second of sending', () => {
    const r = recommendBatchSize(200, 36_000);
    assert.equal(r.ratePerSec, 160);
    assert.equal(r.batchSize, 160);
    assert.equal(r.estimatedDurationSec, 225);
    assert.match(r.reason, /80% of the measured capacity 200\.0\/s/);
  });

  it('falls back to a slow start rate when nothing has been measured', () => {
    const r = recommendBatchSize(null);
    assert.equal(r.ratePerSec, 10);
    assert.equal(r.batchSize, 10);
    assert.equal(r.estimatedDurationSec, null);
    assert.match(r.reason, /no capacity measured/);
  });

  it('keeps the batch within its bounds and honours another cycle length', () => {
    assert.equal(batchSizeForRate(0.2), 1);
    assert.equal(batchSizeForRate(10_000), 500);
    assert.equal(recommendBatchSize(100, null, { cycleMs: 250, headroom: 1 }).batchSize, 25);
  });

  it('refuses a headroom outside (0, 1]', () => {
    assert.throws(() => recommendBatchSize(100, null, { headroom: 1.5 }), RangeError);
  });
});
