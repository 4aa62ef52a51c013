// CUPED on simulated experiments (seeded): with pre-exposure activity that
// predicts the outcome, intervals shrink; with activity unrelated to it, the
// adjusted lift stays unbiased and keeps its coverage.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ArmWithPre, metricLift } from '../../src/growth/metric-lifts.js';
import { mulberry32 } from '../../src/growth/mulberry32.js';

function gaussian(rng: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

/** One arm of `n` users: pre-exposure revenue x, post revenue y = base + slope·x + noise + effect. */
function simulateArm(rng: () => number, n: number, slope: number, effect: number): ArmWithPre {
  const arm: ArmWithPre = { exposures: n, conversions: 0, revenueSum: 0, revenueSumSq: 0, pre: { conversions: 0, conversionsBoth: 0, revenueSum: 0, revenueSumSq: 0, revenueProducts: 0 } };
  for (let i = 0; i < n; i += 1) {
    const x = Math.max(0, 10 + 4 * gaussian(rng));
    const y = 5 + slope * x + 2 * gaussian(rng) + effect;
    const preConverted = rng() < 0.05 + 0.02 * (x / 10);
    const converted = rng() < (slope > 0 ? (preConverted ? 0.6 : 0.05) : 0.1);
    arm.revenueSum += y;
    arm.revenueSumSq += y * y;
    arm.conversions += Number(converted);
    const pre = arm.pre!;
    pre.revenueSum += x;
    pre.revenueSumSq += x * x;
    pre.revenueProducts += x * y;
    pre.conversions += Number(preConverted);
    pre.conversionsBoth += Number(preConverted && converted);
  }
  return arm;
}

const options = { alpha: 0.05, sequentialTuning: 5000 };

describe('CUPED with pre-exposure activity (simulation, seeded)', () => {
  it('narrows the revenue and conversion intervals when pre-exposure activity predicts the outcome', () => {
    const rng = mulberry32(2024);
    const control = simulateArm(rng, 4000, 1, 0);
    const variant = simulateArm(rng, 4000, 1, 0.3);
    for (const metric of ['revenue', 'conversion'] as const) {
      const lift = metricLift(control, variant, metric, options);
      const plain = lift.absolute;
      const adjusted = lift.adjusted?.absolute;
      assert.ok(plain.state === 'ok' && adjusted?.state === 'ok');
      const ratio = (adjusted.upper - adjusted.lower) / (plain.upper - plain.lower);
      assert.ok(ratio < (metric === 'revenue' ? 0.6 : 0.95), `${metric}: adjusted/plain width ${ratio}`);
      assert.ok(lift.adjusted!.theta > 0);
    }
  });

  it('stays unbiased, and keeps 95 % coverage, when pre-exposure activity is unrelated to the outcome', () => {
    const rng = mulberry32(7);
    const effect = 0.3;
    const runs = 300;
    let sum = 0;
    let covered = 0;
    let narrower = 0;
    for (let r = 0; r < runs; r += 1) {
      const lift = metricLift(simulateArm(rng, 800, 0, 0), simulateArm(rng, 800, 0, effect), 'revenue', options);
      const adjusted = lift.adjusted!.absolute;
      const plain = lift.absolute;
      assert.ok(adjusted.state === 'ok' && plain.state === 'ok');
      sum += adjusted.estimate - effect;
      if (adjusted.lower <= effect && effect <= adjusted.upper) covered += 1;
      if (adjusted.upper - adjusted.lower < 0.98 * (plain.upper - plain.lower)) narrower += 1;
    }
    const bias = sum / runs;
    // sd of one estimate ≈ 2·√(2/800) = 0.1, so the mean of 300 has sd ≈ 0.0058
    assert.ok(Math.abs(bias) < 3 * 0.0058, `bias ${bias}`);
    assert.ok(covered / runs > 0.92 && covered / runs < 0.98, `coverage ${covered / runs}`);
    assert.equal(narrower, 0, 'no spurious narrowing from an unrelated covariate');
  });
});
