import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { activityScore, DEFAULT_SCORE_CONFIG, validateScoreConfig } from '../../src/beta/activity-score.js';
import type { ScoreConfig, TenantActivity } from '../../src/beta/activity-score.js';
import { mulberry32 as seededRandom } from '../../src/growth/mulberry32.js';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const DAY = 86_400_000;

function randomTenant(rand: () => number): TenantActivity {
  // log-uniform-ish spreads so both the steep and the saturated ends get exercised
  const spread = (max: number) => Math.floor(Math.pow(rand(), 3) * max);
  return {
    tenantId: 't',
    lastActivityAt: rand() < 0.1 ? null : NOW - rand() * 120 * DAY,
    eventsRecent: spread(20_000),
    eventsPrevious: spread(20_000),
    distinctFeatures: spread(30),
    avgSessionMinutes: rand() * 120,
    activeUsers: spread(300),
  };
}

type Bump = (t: TenantActivity, rand: () => number) => TenantActivity;
const BUMPS: Record<string, Bump> = {
  'more recent last activity': (t, r) => ({
    ...t,
    lastActivityAt: t.lastActivityAt === null ? NOW - r() * 90 * DAY : Number(t.lastActivityAt) + r() * 30 * DAY,
  }),
  'more recent-window events': (t, r) => ({ ...t, eventsRecent: t.eventsRecent + Math.ceil(r() * 5000) }),
  'more previous-window events': (t, r) => ({ ...t, eventsPrevious: t.eventsPrevious + Math.ceil(r() * 5000) }),
  'more distinct features': (t, r) => ({ ...t, distinctFeatures: t.distinctFeatures + Math.ceil(r() * 5) }),
  'longer sessions': (t, r) => ({ ...t, avgSessionMinutes: t.avgSessionMinutes + r() * 30 }),
  'more active users': (t, r) => ({ ...t, activeUsers: t.activeUsers + Math.ceil(r() * 50) }),
};

describe('activityScore', () => {
  it('keeps the score and every component within [0, 1] for generated tenants', () => {
    const rand = seededRandom(1);
    for (let i = 0; i < 2000; i += 1) {
      const { score, breakdown } = activityScore(randomTenant(rand), NOW);
      assert.ok(score >= 0 && score <= 1, `score ${score}`);
      for (const [k, v] of Object.entries(breakdown)) assert.ok(v >= 0 && v <= 1, `${k} = ${v}`);
    }
  });

  for (const [name, bump] of Object.entries(BUMPS)) {
    it(`never lowers the score when a tenant has ${name}, over 3000 seeded random tenants`, () => {
      const rand = seededRandom(name.length * 7919);
      for (let i = 0; i < 3000; i += 1) {
        const before = randomTenant(rand);
        const after = bump(before, rand);
        const a = activityScore(before, NOW).score;
        const b = activityScore(after, NOW).score;
        assert.ok(b >= a, `${name}: ${a} -> ${b} for ${JSON.stringify(before)} -> ${JSON.stringify(after)}`);
      }
    });
  }

  it('stays monotone under random valid weight configurations, including frequency equal to trend', () => {
    const rand = seededRandom(42);
    for (let i = 0; i < 500; i += 1) {
      const trend = rand();
      const config: ScoreConfig = {
        ...DEFAULT_SCORE_CONFIG,
        windows: { recentDays: 1 + Math.floor(rand() * 60), previousDays: 1 + Math.floor(rand() * 60) },
        weights: { recency: rand(), frequency: i % 5 === 0 ? trend : trend + rand(), breadth: rand(), depth: rand(), seats: rand(), trend },
      };
      const before = randomTenant(rand);
      for (const bump of Object.values(BUMPS)) {
        const after = bump(before, rand);
        assert.ok(activityScore(after, NOW, config).score >= activityScore(before, NOW, config).score);
      }
    }
  });

  it('reports a flat trend as 0.5, growth above it and decline below it', () => {
    const base: TenantActivity = {
      tenantId: 't', lastActivityAt: NOW, eventsRecent: 500, eventsPrevious: 500,
      distinctFeatures: 3, avgSessionMinutes: 10, activeUsers: 5,
    };
    assert.equal(activityScore(base, NOW).breakdown.trend, 0.5);
    assert.ok(activityScore({ ...base, eventsRecent: 900 }, NOW).breakdown.trend > 0.5);
    assert.ok(activityScore({ ...base, eventsPrevious: 900 }, NOW).breakdown.trend < 0.5);
  });

  it('halves recency after one half-life and gives zero recency to a tenant that was never active', () => {
    const base: TenantActivity = {
      tenantId: 't', lastActivityAt: new Date(NOW - 7 * DAY).toISOString(), eventsRecent: 0, eventsPrevious: 0,
      distinctFeatures: 0, avgSessionMinutes: 0, activeUsers: 0,
    };
    assert.equal(activityScore(base, NOW).breakdown.recency, 0.5);
    assert.equal(activityScore({ ...base, lastActivityAt: null }, NOW).breakdown.recency, 0);
  });

  it('normalises event counts by the configured window lengths', () => {
    const tenant: TenantActivity = {
      tenantId: 't', lastActivityAt: NOW, eventsRecent: 280, eventsPrevious: 280,
      distinctFeatures: 0, avgSessionMinutes: 0, activeUsers: 0,
    };
    const weekly: ScoreConfig = { ...DEFAULT_SCORE_CONFIG, windows: { recentDays: 7, previousDays: 28 } };
    // 280 events in 7 days is 40/day against 10/day before: growth
    assert.ok(activityScore(tenant, NOW, weekly).breakdown.trend > 0.5);
    assert.equal(activityScore(tenant, NOW).breakdown.trend, 0.5);
  });

  it('rejects a configuration whose trend weight exceeds the frequency weight', () => {
    const config = { ...DEFAULT_SCORE_CONFIG, weights: { ...DEFAULT_SCORE_CONFIG.weights, frequency: 0.05, trend: 0.2 } };
    assert.throws(() => validateScoreConfig(config), RangeError);
    assert.throws(() => activityScore(randomTenant(seededRandom(3)), NOW, config), /frequency/);
  });

  it('rejects non-positive windows and all-zero weights', () => {
    assert.throws(() => validateScoreConfig({ ...DEFAULT_SCORE_CONFIG, windows: { recentDays: 0, previousDays: 28 } }), /recentDays/);
    const zero = { recency: 0, frequency: 0, breadth: 0, depth: 0, seats: 0, trend: 0 };
    assert.throws(() => validateScoreConfig({ ...DEFAULT_SCORE_CONFIG, weights: zero }), /weights/);
  });
});
