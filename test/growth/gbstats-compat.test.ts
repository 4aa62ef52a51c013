// Every expected number below is one of gbstats' own published test cases
// (github.com/growthbook/growthbook, packages/stats/tests/…), compared as those
// tests compare them: rounded to 5 decimals.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bayesianLift, gaussianRisk } from '../../src/growth/stats/bayesian-lift.js';
import { confidenceSequenceLift, confidenceSequenceOfMoments } from '../../src/growth/stats/confidence-sequence.js';
import { frequentistLift } from '../../src/growth/stats/frequentist-lift.js';
import { adjustedMoments } from '../../src/growth/stats/regression-adjustment.js';
import { sampleRatioMismatch } from '../../src/growth/stats/sample-ratio-mismatch.js';
import type { SummaryStatistic } from '../../src/growth/stats/summary-statistic.js';

const round5 = (x: number) => Math.round(x * 1e5) / 1e5;
function equal5(actual: number, expected: number, what: string) {
  assert.equal(round5(actual), round5(expected), `${what}: expected ${expected}, got ${actual}`);
}
function ok<T extends { state: string }>(r: T): Extract<T, { state: 'ok' }> {
  assert.equal(r.state, 'ok', JSON.stringify(r));
  return r as Extract<T, { state: 'ok' }>;
}

const mean = (sum: number, sumSquares: number, n: number): SummaryStatistic => ({ kind: 'mean', sum, sumSquares, n });
const proportion = (sum: number, n: number): SummaryStatistic => ({ kind: 'proportion', sum, n });

// tests/frequentist/test_tests.py, TestTwoSidedTTest.setUp
const A = mean(1396.87, 52377.9767, 3407);
const B = mean(2422.7, 134698.29, 3461);

describe('gbstats frequentist (tests/frequentist/test_tests.py, TestTwoSidedTTest)', () => {
  it('test_two_sided_ttest: relative lift of a mean, delta method, Welch df, t quantile', () => {
    const r = ok(frequentistLift(A, B, 'relative'));
    equal5(r.estimate, 0.70732, 'expected');
    equal5(r.lower, -0.03526, 'ci lower');
    equal5(r.upper, 1.44989, 'ci upper');
    equal5(r.standardError, 0.37879, 'uplift stddev');
    equal5(r.pValue, 0.06191, 'pValue');
  });

  it('test_two_sided_ttest_absolute: absolute lift of a mean', () => {
    const r = ok(frequentistLift(A, B, 'absolute'));
    equal5(r.estimate, 0.7 - 0.41, 'expected');
    equal5(r.lower, 0.04538, 'ci lower');
    equal5(r.upper, 0.53462, 'ci upper');
    equal5(r.standardError, 0.12478, 'uplift stddev');
    equal5(r.pValue, 0.02016, 'pValue');
  });

  it('test_two_sided_ttest_binom: relative lift of a proportion', () => {
    const r = ok(frequentistLift(proportion(14, 28), proportion(16, 30), 'relative'));
    equal5(r.estimate, (16 / 30 - 0.5) / 0.5, 'expected');
    equal5(r.lower, -0.47767, 'ci lower');
    equal5(r.upper, 0.61101, 'ci upper');
    equal5(r.standardError, 0.2717, 'uplift stddev');
    equal5(r.pValue, 0.80707, 'pValue');
  });

  it('test_two_sided_ttest_missing_variance: an arm of 2 users with negative variance is no result, not a figure', () => {
    const r = frequentistLift(mean(1396.87, 52377.9767, 2), B, 'relative');
    assert.equal(r.state, 'invalid input');
  });
});

describe('gbstats sequential (tests/frequentist/test_tests.py, TestSequentialTTest)', () => {
  it('test_sequential_test_runs: N* = 1000, relative lift of a mean', () => {
    const r = ok(confidenceSequenceLift(mean(1396.87, 52377.9767, 3000), B, 'relative', { tuning: 1000 }));
    equal5(r.estimate, 0.50336, 'expected');
    equal5(r.lower, -0.55844, 'ci lower');
    equal5(r.upper, 1.56516, 'ci upper');
    equal5(r.standardError, 0.33341, 'uplift stddev');
    equal5(r.pValue, 1, 'pValue');
  });

  it('test_sequential_test_runs_prop: default N* = 5000, α = 0.05, proportions', () => {
    const r = ok(confidenceSequenceLift(proportion(1396, 3000), proportion(2422, 3461)));
    equal5(r.estimate, 0.50386, 'expected');
    equal5(r.lower, 0.40098, 'ci lower');
    equal5(r.upper, 0.60675, 'ci upper');
    equal5(r.standardError, 0.03386, 'uplift stddev');
    equal5(r.pValue, 0, 'pValue');
    assert.ok(r.pValue > 0, 'an always-valid p-value is small, never exactly 0');
  });

  it('test_sequential_test_runs_ra: CUPED-adjusted relative lift in a confidence sequence', () => {
    const a = { post: mean(1396.87, 52377.9767, 3000), pre: mean(16.87, 527.9767, 3000), sumOfProducts: 1 };
    const b = { post: B, pre: mean(22.7, 1348.29, 3461), sumOfProducts: 1 };
    const m = adjustedMoments(a, b, 'relative');
    assert.ok(!('state' in m));
    const r = confidenceSequenceOfMoments(m, 3000 + 3461, 'relative');
    equal5(r.estimate, 0.50338, 'expected');
    equal5(r.lower, -0.50969, 'ci lower');
    equal5(r.upper, 1.51646, 'ci upper');
    equal5(r.standardError, 0.33341, 'uplift stddev');
    equal5(r.pValue, 1, 'pValue');
  });

  it('test_sequential_test_tuning_as_expected: a tuning near the sample size gives the narrowest sequence', () => {
    const a = mean(1396.87, 52377.9767, 3000);
    const width = (tuning: number) => {
      const r = ok(confidenceSequenceLift(a, B, 'relative', { tuning }));
      return [r.lower, r.upper] as const;
    };
    const [below, near, above] = [width(10), width(6461), width(10000)];
    assert.ok(below[0] < above[0] && below[1] > above[1]);
    assert.ok(below[0] < near[0] && below[1] > near[1]);
    assert.ok(above[0] < near[0] && above[1] > near[1]);
  });
});

describe('gbstats Bayesian, flat prior (tests/bayesian/test_tests.py)', () => {
  it('TestBinom.test_bayesian_binomial_ab_test: proportions, relative', () => {
    const r = ok(bayesianLift(proportion(49, 100), proportion(51, 100)));
    equal5(r.mean, 0.04082, 'expected');
    equal5(r.lower, -0.24779, 'ci lower');
    equal5(r.upper, 0.32943, 'ci upper');
    equal5(r.sd, 0.14725, 'uplift stddev');
    equal5(r.chanceToWin, 0.60918, 'chanceToWin');
    equal5(r.risk.control, 0.0814, 'risk[0]');
    equal5(r.risk.variant, 0.04058, 'risk[1]');
  });

  it('TestNorm.test_bayesian_gaussian_ab_test: means, relative', () => {
    const r = ok(bayesianLift(mean(100, 1002.25, 10), mean(105, 1111.5, 10)));
    equal5(r.mean, 0.05, 'expected');
    equal5(r.lower, -0.02, 'ci lower');
    equal5(r.upper, 0.12, 'ci upper');
    equal5(r.sd, 0.03572, 'uplift stddev');
    equal5(r.chanceToWin, 0.91923, 'chanceToWin');
    equal5(r.risk.control, 0.05131, 'risk[0]');
    equal5(r.risk.variant, 0.00131, 'risk[1]');
  });

  it('test_missing_data: empty arms are "not enough data", not a 50 % chance to win', () => {
    assert.equal(bayesianLift(proportion(0, 0), proportion(0, 0)).state, 'not enough data');
    assert.equal(bayesianLift(mean(0, 0, 0), mean(0, 0, 0)).state, 'not enough data');
  });

  it('TestGetRiskNumericalStability: extreme μ/σ and the bit-exact regression values', () => {
    assert.deepEqual(gaussianRisk(0.01, 4.5e-9), { control: 0.01, variant: 0 });
    assert.deepEqual(gaussianRisk(-0.01, 4.5e-9), { control: 0, variant: 0.01 });
    const r = gaussianRisk(0.1, 0.05);
    assert.equal(Number(r.control.toFixed(10)), 0.1004245351);
    assert.equal(Number(r.variant.toFixed(10)), 0.0004245351);
  });
});

describe('gbstats SRM (tests/test_gbstats.py before commit 01387ac8, TestHelpers.test_srm)', () => {
  it('check_srm([1000, 1200], [0.5, 0.5]) = 0.000020079', () => {
    const srm = sampleRatioMismatch([1000, 1200], [0.5, 0.5]);
    assert.equal(srm.state, 'ok');
    assert.equal(Number(srm.pValue.toFixed(9)), 0.000020079);
  });
});
