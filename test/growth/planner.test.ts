import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planCampaign } from '../../src/growth/planner.js';

const NOW = '2026-11-25T12:00:00.000Z';
const BASE = { capacityPerSec: 1000, headroom: 0.2, campaignShare: 0.5, maxBatch: 200, now: NOW };

function assertWithinCapacity(plan: ReturnType<typeof planCampaign>, input: typeof BASE & { currentLoadPerSec?: number }) {
  const free = input.capacityPerSec * (1 - input.headroom) - (input.currentLoadPerSec ?? 0);
  assert.ok(plan.sendRatePerSec <= Math.min(free, input.capacityPerSec * input.campaignShare));
  assert.ok(plan.batchSize <= input.maxBatch);
  assert.ok((plan.batchSize / plan.batchIntervalMs) * 1000 <= plan.sendRatePerSec + 1e-9);
}

describe('planCampaign', () => {
  it('plans a campaign that fits as one wave within the capacity budget', () => {
    const plan = planCampaign({ ...BASE, audienceSize: 30_000, maxDurationSec: 3600 });
    assertWithinCapacity(plan, BASE);
    assert.equal(plan.sendRatePerSec, 500); // min(1000 × 0.8, 1000 × 0.5)
    assert.equal(plan.batchSize, 200);
    assert.equal(plan.batchIntervalMs, 400);
    assert.equal(plan.split, false);
    assert.deepEqual(plan.waves, [{ index: 0, size: 30_000, startAt: NOW, durationSec: 60 }]);
    assert.equal(plan.etaSec, 60);
    assert.match(plan.reason, /fits in one wave/);
  });

  it('splits an oversized campaign into waves no longer than maxDurationSec, saying why', () => {
    const plan = planCampaign({ ...BASE, audienceSize: 4_000_000, maxDurationSec: 3600, waveGapSec: 1800 });
    assertWithinCapacity(plan, BASE);
    assert.equal(plan.split, true);
    assert.equal(plan.waves.length, 3); // 500/s × 3600 s = 1.8M per wave
    assert.equal(plan.waves.reduce((s, w) => s + w.size, 0), 4_000_000);
    for (const w of plan.waves) assert.ok(w.durationSec <= 3600 && w.size <= 1_800_000);
    for (let i = 1; i < plan.waves.length; i += 1) {
      const prev = plan.waves[i - 1]!;
      const gap = (Date.parse(plan.waves[i]!.startAt) - Date.parse(prev.startAt)) / 1000 - prev.durationSec;
      assert.equal(gap, 1800);
    }
    // 1 333 334 + 2 × 1 333 333 recipients, each wave ⌈size / 500⌉ = 2667 s
    assert.deepEqual(plan.waves.map((w) => w.durationSec), [2667, 2667, 2667]);
    assert.equal(plan.etaSec, 3 * 2667 + 2 * 1800);
    assert.match(plan.reason, /split into 3 waves/);
    assert.match(plan.reason, /maxDurationSec 3600s/);
  });

  it('leaves room for current load and headroom before giving campaigns their share', () => {
    const input = { ...BASE, currentLoadPerSec: 650 };
    const plan = planCampaign({ ...input, audienceSize: 10_000 });
    assertWithinCapacity(plan, input);
    assert.equal(plan.sendRatePerSec, 150); // 1000 × 0.8 − 650
  });

  it('delays a campaign when there is no capacity budget now, with a time to re-plan and a reason', () => {
    const plan = planCampaign({ ...BASE, audienceSize: 10_000, currentLoadPerSec: 900, retryAfterSec: 600 });
    assert.equal(plan.waves.length, 0);
    assert.equal(plan.sendRatePerSec, 0);
    assert.equal(plan.etaSec, null);
    assert.equal(plan.delayedUntil, '2026-11-25T12:10:00.000Z');
    assert.match(plan.reason, /delayed 600s/);
    assert.match(plan.reason, /900\/s load/);
  });

  it('never exceeds the budget for many random inputs', () => {
    for (let i = 1; i <= 500; i += 1) {
      const input = {
        capacityPerSec: (i * 37) % 5000,
        headroom: ((i * 13) % 90) / 100,
        campaignShare: ((i * 7) % 101) / 100,
        maxBatch: 1 + ((i * 11) % 1000),
        now: NOW,
        currentLoadPerSec: (i * 17) % 800,
      };
      const plan = planCampaign({ ...input, audienceSize: (i * 7919) % 3_000_000, maxDurationSec: 600 + (i % 5) * 600 });
      if (plan.delayedUntil || plan.waves.length === 0) continue;
      assertWithinCapacity(plan, input);
      assert.equal(plan.waves.reduce((s, w) => s + w.size, 0), (i * 7919) % 3_000_000);
    }
  });

  it('rejects impossible inputs', () => {
    assert.throws(() => planCampaign({ ...BASE, audienceSize: 10, headroom: 1 }), RangeError);
    assert.throws(() => planCampaign({ ...BASE, audienceSize: -1 }), RangeError);
  });
});
