import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeWindowStats, nearestRankPercentile, type LatencySample } from '../../src/ops/window-stats.js';

describe('nearest-rank percentile', () => {
  it('returns the smallest value with at least p% of values at or below it, without interpolating', () => {
    const sorted = Array.from({ length: 10 }, (_, i) => (i + 1) * 10); // 10..100
    assert.equal(nearestRankPercentile(sorted, 50), 50);
    assert.equal(nearestRankPercentile(sorted, 90), 90);
    assert.equal(nearestRankPercentile(sorted, 95), 100);
    assert.equal(nearestRankPercentile(sorted, 99), 100);
    assert.equal(nearestRankPercentile(sorted, 0), 10);
    assert.equal(nearestRankPercentile(sorted, 100), 100);
  });

  it('matches the textbook example of 15, 20, 35, 40, 50', () => {
    // Wikipedia, "Percentile", nearest-rank method: P30 = 20, P40 = 20, P50 = 35, P100 = 50.
    const sorted = [15, 20, 35, 40, 50];
    assert.deepEqual([30, 40, 50, 100].map((p) => nearestRankPercentile(sorted, p)), [20, 20, 35, 50]);
  });

  it('is null for no values and refuses a percentile outside [0, 100]', () => {
    assert.equal(nearestRankPercentile([], 50), null);
    assert.throws(() => nearestRankPercentile([1], 101), RangeError);
  });
});

describe('window stats', () => {
  const samples: LatencySample[] = [
    { at: 1000, latencyMs: 999, ok: true }, // on the open start edge: excluded
    { at: 1001, latencyMs: 40, ok: true, status: 200 },
    { at: 1500, latencyMs: 10, ok: true, status: 200 },
    { at: 1600, latencyMs: 30, ok: false, status: 429, retryAfterMs: 2000 },
    { at: 1700, latencyMs: 20, ok: false, status: 503, retryAfterMs: 5000 },
    { at: 1800, latencyMs: 60, ok: false, status: 400 },
    { at: 1900, latencyMs: 2000, ok: false },
    { at: 2000, latencyMs: 50, ok: true, status: 200 }, // on the closed end edge: included
    { at: 2001, latencyMs: 999, ok: true },
  ];
  const stats = computeWindowStats(samples, { endAt: 2000, durationMs: 1000 });

  it('counts samples in (endAt − duration, endAt] in any order', () => {
    assert.equal(stats.count, 7);
    assert.deepEqual(computeWindowStats([...samples].reverse(), { endAt: 2000, durationMs: 1000 }), stats);
  });

  it('splits failures into overload responses, client errors and the rest', () => {
    assert.equal(stats.okCount, 3);
    assert.equal(stats.errorCount, 4);
    assert.equal(stats.overloadCount, 2);
    assert.equal(stats.clientErrorCount, 1);
    assert.equal(stats.maxRetryAfterMs, 5000);
    assert.equal(stats.errorRate, 4 / 7);
  });

  it('reports throughput and goodput per second of window', () => {
    assert.equal(stats.throughputPerSec, 7);
    assert.equal(stats.goodputPerSec, 3);
    assert.equal(computeWindowStats(samples, { endAt: 2000, durationMs: 500 }).throughputPerSec, 10);
  });

  it('takes latency percentiles over every sample, failures included', () => {
    // sorted: 10 20 30 40 50 60 2000
    assert.equal(stats.p50LatencyMs, 40);
    assert.equal(stats.p90LatencyMs, 2000);
    assert.equal(stats.p99LatencyMs, 2000);
    assert.equal(stats.maxLatencyMs, 2000);
    assert.equal(stats.meanLatencyMs, 2210 / 7);
  });

  it('treats other statuses as overload when told to', () => {
    const custom = computeWindowStats(samples, { endAt: 2000, durationMs: 1000 }, { overloadStatuses: [429] });
    assert.equal(custom.overloadCount, 1);
    assert.equal(custom.maxRetryAfterMs, 2000);
  });

  it('describes an empty window with zero rates and null latencies', () => {
    const empty = computeWindowStats([], { endAt: 0, durationMs: 250 });
    assert.deepEqual(
      [empty.count, empty.throughputPerSec, empty.errorRate, empty.p50LatencyMs, empty.p99LatencyMs, empty.maxRetryAfterMs],
      [0, 0, 0, null, null, null],
    );
    assert.throws(() => computeWindowStats([], { endAt: 0, durationMs: 0 }), RangeError);
  });
});
