import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { absoluteUplift } from '../../src/growth/stats/absolute-uplift.js';
import { armMetrics } from '../../src/growth/stats/arm-metrics.js';
import { relativeUplift } from '../../src/growth/stats/relative-uplift.js';
import { twoProportionZTest } from '../../src/growth/stats/two-proportion-z-test.js';
import { welchTTest } from '../../src/growth/stats/welch-t-test.js';
import { assertClose } from './close-to.js';

function meanAndVariance(xs: number[]) {
  const n = xs.length;
  const mean = xs.reduce((s, x) => s + x, 0) / n;
  return { mean, variance: xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1), n };
}

describe('per-arm metrics', () => {
  it('computes conversion rate, revenue per user and its unbiased variance from running sums', () => {
    const revenue = [0, 0, 10, 0, 25, 0, 0, 5];
    const m = armMetrics({
      exposures: revenue.length,
      conversions: 3,
      revenueSum: revenue.reduce((s, x) => s + x, 0),
      revenueSumSq: revenue.reduce((s, x) => s + x * x, 0),
    });
    const direct = meanAndVariance(revenue);
    assert.equal(m.conversionRate, 3 / 8);
    assertClose(m.revenuePerUser, direct.mean, 1e-12);
    assertClose(m.revenueVariance, direct.variance, 1e-12);
  });
});

describe('absolute uplift', () => {
  it('reproduces the OpenIntro CPR worked example: 0.13 with SE 0.095 and 90% CI (−0.027, 0.287)', () => {
    // Çetinkaya-Rundel & Hardin, "Introduction to Modern Statistics" (OpenIntro), §17.2 worked example:
    // treatment 14/40 survived, control 11/50; p̂T − p̂C = 0.13, SE ≈ 0.095, 90% CI (−0.027, 0.287)
    const ci = absoluteUplift({ exposures: 50, conversions: 11 }, { exposures: 40, conversions: 14 }, 0.9);
    assertClose(ci.estimate, 0.13, 1e-12, 'estimate');
    assertClose(ci.standardError, 0.095, 0.0005, 'SE');
    assertClose(ci.lower, -0.027, 0.0005, 'lower');
    assertClose(ci.upper, 0.287, 0.0005, 'upper');
  });
});

describe('relative uplift', () => {
  it('matches the delta-method variance Var(p̂v)/p̂c² + p̂v²Var(p̂c)/p̂c⁴ on a worked example', () => {
    // 500/10 000 vs 580/10 000: ratio 1.16; SE = √(0.058·0.942/10⁴/0.05² + 0.058²·0.05·0.95/10⁴/0.05⁴)
    // = 0.0688627620706576 (computed by hand in Python from the formula in Kohavi, Tang & Xu 2020, §18)
    const ci = relativeUplift({ exposures: 10_000, conversions: 500 }, { exposures: 10_000, conversions: 580 });
    assertClose(ci.estimate, 0.16, 1e-12, 'estimate');
    assertClose(ci.standardError, 0.0688627620706576, 1e-12, 'SE');
    assertClose(ci.lower, 0.025031466465560148, 1e-10, 'lower');
    assertClose(ci.upper, 0.2949685335344397, 1e-10, 'upper');
  });

  it('is undefined while the control has no conversions', () => {
    assert.ok(Number.isNaN(relativeUplift({ exposures: 100, conversions: 0 }, { exposures: 100, conversions: 3 }).estimate));
  });
});

describe('two-proportion z-test', () => {
  it('reproduces the published pooled z = 2.742 and two-sided p = 0.0061 for 118/3303 vs 80/3303', () => {
    // usablestats.com "Ask Stats" question 866: pooled p = 0.02997, SE = 0.004196, z = 2.74195, two-sided p = .00611
    const t = twoProportionZTest({ exposures: 3303, conversions: 80 }, { exposures: 3303, conversions: 118 });
    assertClose(t.z, 2.74195, 0.0001, 'z');
    assertClose(t.pValue, 0.00611, 0.00001, 'p');
  });

  it('returns p = 1 when neither arm has converted', () => {
    assert.deepEqual(twoProportionZTest({ exposures: 10, conversions: 0 }, { exposures: 10, conversions: 0 }), { z: 0, pValue: 1 });
  });
});

describe("Welch's t-test", () => {
  it("reproduces R's t.test(extra ~ group, data = sleep): t = −1.8608, df = 17.776, p = 0.07939", () => {
    // R datasets::sleep; R prints t = -1.8608, df = 17.776, p-value = 0.07939,
    // 95 percent CI -3.3654832 0.2054832 (for group 1 − group 2)
    const g1 = meanAndVariance([0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]);
    const g2 = meanAndVariance([1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]);
    const r = welchTTest(g2, g1);
    assertClose(r.t, -1.8608, 0.00005, 't');
    assertClose(r.df, 17.776, 0.0005, 'df');
    assertClose(r.pValue, 0.07939, 0.000005, 'p');
    assertClose(r.lower, -3.3654832, 1e-7, 'lower');
    assertClose(r.upper, 0.2054832, 1e-7, 'upper');
  });
});
