import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OpsMetrics } from '../../src/ops/ops-metrics.js';
import { OpsLive } from '../../src/web/dashboard/ops-page.js';

const AT = '2026-03-02T12:00:00.000Z';
const before = (sec: number) => new Date(Date.parse(AT) - sec * 1000).toISOString();

function page(capacity: NonNullable<OpsMetrics['current']>['capacity']): string {
  const current = {
    id: '1',
    at: AT,
    queues: {},
    redisRttMs: 1,
    postgresRttMs: 1,
    eventLoopLagMs: { p50: 1, p99: 2, max: 3 },
    campaigns: {},
    capacity,
  } as unknown as NonNullable<OpsMetrics['current']>;
  const metrics: OpsMetrics = { current, history: [], recommendations: { scaling: null, campaigns: [], launch: [] } };
  return String(<OpsLive metrics={metrics} scalingEvents={[]} pauseEvents={[]} scaling={{} as never} controlReasons={{}} />);
}

describe('Ops page: each downstream capacity, estimated vs observed', () => {
  it('shows an observed capacity with its confidence and age, and an estimate as a lower bound', () => {
    const html = page({
      'fast.example': { perSec: 287.4, measuredAt: before(42), campaignId: 'c1', kind: 'observed', confidence: 0.8 },
      'capped.example': { perSec: 0.5, measuredAt: before(3 * 60), campaignId: 'c2', kind: 'estimated', confidence: 0 },
    });
    const rows = html.split('<tr>').slice(2);
    const fast = rows.find((r) => r.includes('fast.example'))!;
    const capped = rows.find((r) => r.includes('capped.example'))!;
    assert.match(fast, /287\.4\/s/);
    assert.match(fast, /observed, confidence 80%/);
    assert.match(fast, /42 s old/);
    assert.doesNotMatch(fast, /≥/);
    assert.match(capped, /≥ 0\.5\/s/, 'an app-limited estimate reads as at least, not as the capacity');
    assert.match(capped, /estimated: a lower bound, never reached/);
    assert.match(capped, /3 min old/);
  });

  it('reads a snapshot from before the estimator (no kind) as observed', () => {
    const html = page({ 'old.example': { perSec: 10, measuredAt: before(5), campaignId: 'c3' } });
    assert.match(html, /observed, confidence 100%/);
  });
});
