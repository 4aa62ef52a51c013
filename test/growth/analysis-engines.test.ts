// The analysis with `engine: 'growthbook'` gives gbstats' numbers for both metrics;
// expected values are gbstats' published test cases (packages/stats/tests/…), to 5 decimals.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ArmAggregate, analyzeExperiment } from '../../src/growth/analysis.js';

const round5 = (x: number) => Math.round(x * 1e5) / 1e5;
const eq5 = (actual: number, expected: number, what: string) => assert.equal(round5(actual), round5(expected), `${what}: expected ${expected}, got ${actual}`);

function arm(name: string, exposures: number, conversions: number, revenueSum: number, revenueSumSq: number): ArmAggregate {
  return { arm: name, mechanism: name === 'control' ? 'none' : 'points', rewardAmount: name === 'control' ? 0 : 1, rewardCost: 0, exposures, conversions, revenueSum, revenueSumSq };
}

describe('analysis with the GrowthBook engine', () => {
  // conversions 14/28 vs 16/30 (test_two_sided_ttest_binom); revenue as TestTwoSidedTTest.setUp would need
  // n = 3407 / 3461, so the revenue case uses its own arms below.
  it('uplift intervals of conversion are gbstats’ t intervals (test_two_sided_ttest_binom)', () => {
    const a = analyzeExperiment(
      { controlArm: 'control', arms: [arm('control', 28, 14, 140, 1400), arm('v', 30, 16, 160, 1600)], expectedWeights: { control: 1, v: 1 } },
      { engine: 'growthbook' },
    );
    assert.equal(a.engine, 'growthbook');
    const v = a.arms[1]!.vsControl!;
    eq5(v.relativeUplift.estimate, (16 / 30 - 0.5) / 0.5, 'relative expected');
    eq5(v.relativeUplift.lower, -0.47767, 'relative ci lower');
    eq5(v.relativeUplift.upper, 0.61101, 'relative ci upper');
    eq5(v.metrics.conversion.relative.state === 'ok' ? v.metrics.conversion.relative.pValue : NaN, 0.80707, 'relative pValue');
  });

  it('revenue per user gets absolute and relative lifts with Welch df (test_two_sided_ttest, _absolute)', () => {
    const a = analyzeExperiment(
      { controlArm: 'control', arms: [arm('control', 3407, 300, 1396.87, 52377.9767), arm('v', 3461, 320, 2422.7, 134698.29)], expectedWeights: { control: 1, v: 1 } },
      { engine: 'growthbook' },
    );
    const revenue = a.arms[1]!.vsControl!.metrics.revenue;
    assert.ok(revenue.relative.state === 'ok' && revenue.absolute.state === 'ok');
    eq5(revenue.relative.estimate, 0.70732, 'relative expected');
    eq5(revenue.relative.lower, -0.03526, 'relative lower');
    eq5(revenue.relative.upper, 1.44989, 'relative upper');
    eq5(revenue.relative.pValue, 0.06191, 'relative pValue');
    eq5(revenue.absolute.lower, 0.04538, 'absolute lower');
    eq5(revenue.absolute.upper, 0.53462, 'absolute upper');
    eq5(revenue.absolute.pValue, 0.02016, 'absolute pValue');
  });

  it('Bayesian figures for proportions and means (TestBinom, TestNorm) and the sequence with N* (test_sequential_test_runs_prop)', () => {
    const binom = analyzeExperiment({ controlArm: 'control', arms: [arm('control', 100, 49, 490, 4900), arm('v', 100, 51, 510, 5100)], expectedWeights: { control: 1, v: 1 } }, { engine: 'growthbook' });
    const c = binom.arms[1]!.vsControl!;
    const b = c.metrics.conversion.bayesian;
    assert.ok(b.state === 'ok');
    eq5(b.mean, 0.04082, 'mean');
    eq5(b.sd, 0.14725, 'sd');
    eq5(b.chanceToWin, 0.60918, 'chanceToWin');
    eq5(b.risk.control, 0.0814, 'risk control');
    eq5(b.risk.variant, 0.04058, 'risk variant');
    eq5(c.chanceToBeatControl, 0.60918, 'the decision figure is the same chance to win');

    const norm = analyzeExperiment({ controlArm: 'control', arms: [arm('control', 10, 5, 100, 1002.25), arm('v', 10, 5, 105, 1111.5)], expectedWeights: { control: 1, v: 1 } }, { engine: 'growthbook' });
    const r = norm.arms[1]!.vsControl!.metrics.revenue.bayesian;
    assert.ok(r.state === 'ok');
    eq5(r.mean, 0.05, 'mean');
    eq5(r.lower, -0.02, 'lower');
    eq5(r.chanceToWin, 0.91923, 'chanceToWin');
    eq5(r.risk.control, 0.05131, 'risk control');
    eq5(r.risk.variant, 0.00131, 'risk variant');

    const seq = analyzeExperiment({ controlArm: 'control', arms: [arm('control', 3000, 1396, 0, 0), arm('v', 3461, 2422, 0, 0)], expectedWeights: { control: 3000, v: 3461 } }, { engine: 'growthbook', sequentialTuning: 5000 });
    const s = seq.arms[1]!.vsControl!.metrics.conversion.sequential;
    assert.ok(s.state === 'ok');
    eq5(s.lower, 0.40098, 'sequential lower');
    eq5(s.upper, 0.60675, 'sequential upper');
  });

  it("keeps Flywheel's exact chance to beat control under the default engine", () => {
    const a = analyzeExperiment({ controlArm: 'control', arms: [arm('control', 100, 49, 0, 0), arm('v', 100, 51, 0, 0)], expectedWeights: { control: 1, v: 1 } });
    assert.equal(a.engine, 'flywheel');
    const v = a.arms[1]!.vsControl!;
    assert.ok(Math.abs(v.chanceToBeatControl - 0.60918) > 1e-3, 'exact Beta differs from the normal approximation on 100 users');
    assert.ok(v.metrics.conversion.bayesian.state === 'ok', 'the GrowthBook figures are there for comparison');
  });
});

describe('degenerate data in the analysis', () => {
  const weights = { control: 1, v: 1 };
  it('an arm with no users is "not enough data", never a zero-width interval', () => {
    for (const engine of ['flywheel', 'growthbook'] as const) {
      const a = analyzeExperiment({ controlArm: 'control', arms: [arm('control', 100, 10, 0, 0), arm('v', 0, 0, 0, 0)], expectedWeights: weights }, { engine });
      const v = a.arms[1]!.vsControl!;
      assert.equal(v.state, 'not enough data');
      assert.match(v.reason ?? '', /no users in variant/);
      assert.ok(Number.isNaN(v.absoluteUplift.lower) && Number.isNaN(v.relativeUplift.upper));
      assert.equal(v.sequential.pValue, 1);
      assert.equal(v.metrics.revenue.absolute.state, 'not enough data');
    }
  });

  it('no conversions anywhere and a control rate of 0 are named', () => {
    const a = analyzeExperiment({ controlArm: 'control', arms: [arm('control', 500, 0, 0, 0), arm('v', 500, 0, 0, 0)], expectedWeights: weights }, { engine: 'growthbook' });
    const v = a.arms[1]!.vsControl!;
    assert.equal(v.state, 'not enough data');
    assert.match(v.reason ?? '', /no conversions/);
    assert.ok(Number.isNaN(v.chanceToBeatControl), 'no chance to win is made up');
  });

  it('conversions above exposures, negative counts, NaN and negative variance are invalid input with the field named', () => {
    const cases: Array<[ArmAggregate, RegExp]> = [
      [arm('v', 100, 120, 0, 0), /arms\.v\.sum.*more conversions \(120\) than users \(100\)/],
      [arm('v', -5, 0, 0, 0), /arms\.v\.exposures.*negative/],
      [arm('v', 100, NaN, 0, 0), /arms\.v\.conversions.*not a finite number/],
      [arm('v', 100, 10, 100, 1), /arms\.v\.sumSquares.*negative variance/],
    ];
    for (const [bad, pattern] of cases) {
      const a = analyzeExperiment({ controlArm: 'control', arms: [arm('control', 100, 10, 0, 0), bad], expectedWeights: weights });
      assert.equal(a.state, 'invalid input');
      assert.match(a.reason ?? '', pattern);
      assert.ok(a.arms.every((x) => x.vsControl === null), 'no comparison is made from impossible totals');
    }
  });
});
