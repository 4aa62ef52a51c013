import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { niceTicks, timeTicks } from '../../src/web/chart-scale.js';
import { campaignSeries, controlMarkers } from '../../src/web/dashboard/campaign-charts.js';
import { LineChart } from '../../src/web/line-chart.js';
import { controlReasonLabel, scalingReasonLabel } from '../../src/web/reason-labels.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('line charts: scale, hover values, gaps and markers', () => {
  it('picks round y ticks that cover the maximum', () => {
    assert.deepEqual(niceTicks(14), [0, 5, 10, 15]);
    assert.deepEqual(niceTicks(0.7), [0, 0.2, 0.4, 0.6, 0.8]);
    assert.deepEqual(niceTicks(100), [0, 50, 100]);
    assert.deepEqual(timeTicks(T0, T0 + 15 * 60_000), [T0, T0 + 5 * 60_000, T0 + 10 * 60_000, T0 + 15 * 60_000]);
  });

  it('draws y ticks with the unit, a hover value per point, a gap where nothing was sent, and markers', () => {
    const html = String(
      <LineChart
        title="Send rate"
        unit="/s"
        series={[{ label: 'delivered/s', color: '#000', points: [{ t: T0, v: 10 }, { t: T0 + 1000, v: 14 }, { t: T0 + 2000, v: null }, { t: T0 + 3000, v: 12 }, { t: T0 + 4000, v: 11 }] }]}
        markers={[{ t: T0 + 2000, kind: 'pause', label: 'paused by olivia' }]}
      />,
    );
    assert.match(html, />15 \/s</, 'the top tick carries the unit');
    assert.match(html, />5</);
    assert.equal((html.match(/<polyline/g) ?? []).length, 2, 'two runs: the gap is not bridged');
    assert.match(html, /<title>12:00:01 · delivered\/s: 14 \/s<\/title>/);
    assert.match(html, /data-marker="pause"/);
    assert.match(html, /paused by olivia/);
  });

  it('turns buckets without deliveries into gaps over the whole range', () => {
    const { rate, latency } = campaignSeries(
      [
        { t: T0, delivered: 30, dead: 0, p95LatencyMs: 40 },
        { t: T0 + 30_000, delivered: 15, dead: 15, p95LatencyMs: 80 },
      ],
      { from: T0, to: T0 + 45_000, bucketMs: 15_000 },
    );
    assert.deepEqual(rate[0]!.points.map((p) => p.v), [2, null, 1]);
    assert.deepEqual(rate[1]!.points.map((p) => p.v), [0, null, 1]);
    assert.deepEqual(latency[0]!.points.map((p) => p.v), [40, null, 80]);
  });

  it('marks limit changes and capacity drops of a quarter or more', () => {
    const markers = controlMarkers([
      { at: T0, limit: 8, capacityPerSec: 100 },
      { at: T0 + 30_000, limit: 8, capacityPerSec: 90 },
      { at: T0 + 60_000, limit: 16, capacityPerSec: 40 },
    ]);
    assert.deepEqual(markers.map((m) => m.kind), ['limit', 'capacity']);
    assert.match(markers[0]!.label, /8 → 16/);
    assert.match(markers[1]!.label, /90\.0\/s → 40\.0\/s/);
  });
});

describe('reason codes in words', () => {
  it('says what each scaling and controller reason means', () => {
    const o = { targetDrainSec: 60, maxQueueAgeSec: 600, scaleUpCooldownSec: 60, scaleDownCooldownSec: 300, stabilizationWindowSec: 300, tolerance: 0.1 };
    assert.equal(scalingReasonLabel('backlog_drain', o), 'drain the backlog within 60 s');
    assert.match(scalingReasonLabel('within_tolerance', o), /within 10%/);
    assert.match(controlReasonLabel('latency_slo_backoff'), /latency is above the target/);
    assert.equal(controlReasonLabel('something_new'), 'something new');
  });
});
