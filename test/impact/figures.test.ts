import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { campaignEfficiency, channelShares, decisionGroups, percentile } from '../../src/impact/figures.js';

describe('impact figures', () => {
  it('takes nearest-rank medians and p90s of decision times by channel and priority, with the previous period for the trend', () => {
    assert.equal(percentile([5, 1, 3], 50), 3);
    assert.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90), 9);
    assert.equal(percentile([], 50), null);
    const now = [
      { channel: 'console', priority: 'normal', ms: 60_000 },
      { channel: 'console', priority: 'normal', ms: 120_000 },
      { channel: 'console', priority: 'normal', ms: 600_000 },
      { channel: 'telegram', priority: 'high', ms: 30_000 },
    ];
    const groups = decisionGroups(now, [{ channel: 'console', priority: 'normal', ms: 240_000 }]);
    assert.deepEqual(groups[0], { channel: 'console', priority: 'normal', count: 3, medianMs: 120_000, p90Ms: 600_000, previousMedianMs: 240_000 });
    assert.equal(groups[1]!.previousMedianMs, null);
    assert.deepEqual(channelShares(now).map((s) => [s.channel, s.share]), [['console', 0.75], ['telegram', 0.25]]);
  });

  it('measures goodput against capacity and the time saved against the fallback rate', () => {
    const e = campaignEfficiency({ delivered: 6000, sendingMs: 60_000 }, 200, 20);
    assert.equal(e.goodputPerSec, 100);
    assert.equal(e.shareOfCapacity, 0.5);
    assert.equal(e.savedSec, 240);
    assert.equal(campaignEfficiency({ delivered: 10, sendingMs: 10_000 }, null, 20).shareOfCapacity, null);
  });
});
