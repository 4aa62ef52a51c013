import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mulberry32 } from '../../src/growth/mulberry32.js';
import { normalMixtureSequentialTest, sequentialProportionTest } from '../../src/growth/stats/sequential-test.js';
import { assertClose } from './close-to.js';
import { simulatePeeking } from '../../src/growth/simulate-peeking.js';

describe('mSPRT always-valid p-value and confidence sequence', () => {
  it('computes the normal-mixture likelihood ratio of Johari et al.', () => {
    // Λ = √(V/(V+τ²))·exp(τ²θ̂²/(2V(V+τ²))) with θ̂ = 0.01, V = 1e-5, τ² = 1e-4:
    // √(1/11)·exp(1e-8/(2·1e-5·1.1e-4)) = 0.30151134·exp(4.5454545) = 28.4117…
    const r = normalMixtureSequentialTest(0.01, 1e-5, { mixtureVariance: 1e-4 });
    assertClose(r.likelihoodRatio, Math.sqrt(1 / 11) * Math.exp(1e-8 / (2 * 1e-5 * 1.1e-4)), 1e-9);
    assertClose(r.pValue, 1 / r.likelihoodRatio, 1e-15);
  });

  it('puts zero exactly on the edge of the confidence sequence when the p-value equals alpha', () => {
    // duality: p ≤ α ⇔ 0 ∉ interval. Find θ̂ with 1/Λ = 0.05 and check the interval edge is 0.
    const v = 4e-6;
    const tau2 = 1e-4;
    const theta = Math.sqrt(((2 * v * (v + tau2)) / tau2) * (Math.log(20) + 0.5 * Math.log((v + tau2) / v)));
    const r = normalMixtureSequentialTest(theta, v, { alpha: 0.05, mixtureVariance: tau2 });
    assertClose(r.pValue, 0.05, 1e-12);
    assertClose(r.lower, 0, 1e-12);
  });

  it('is wider than the fixed-horizon 95% interval at the same data', () => {
    const r = sequentialProportionTest({ exposures: 50_000, conversions: 2500 }, { exposures: 50_000, conversions: 2750 });
    const se = Math.sqrt((0.05 * 0.95 + 0.055 * 0.945) / 50_000);
    assert.ok(r.upper - r.lower > 2 * 1.96 * se);
    assert.ok(r.lower > 0 && r.pValue < 0.05, 'a 10% relative lift on 50k users per arm is detected');
  });

  it('keeps the running minimum p-value and running intersection when given the previous look', () => {
    const previous = { pValue: 0.01, lower: 0.001, upper: 0.02 };
    const r = sequentialProportionTest({ exposures: 1000, conversions: 50 }, { exposures: 1000, conversions: 52 }, { previous });
    assert.equal(r.pValue, 0.01);
    assert.ok(r.lower >= 0.001 && r.upper <= 0.02);
  });

  it('returns p = 1 and an unbounded interval before any conversion', () => {
    const r = sequentialProportionTest({ exposures: 100, conversions: 0 }, { exposures: 100, conversions: 0 });
    assert.deepEqual([r.pValue, r.lower, r.upper], [1, -Infinity, Infinity]);
  });

  it('keeps the false-positive rate under alpha with 100 hourly looks and no true effect, where a naive z-test inflates it', () => {
    // 2 000 A/A experiments, 5% conversion in both arms, 200 users per arm per hour,
    // analysed after every hour for 100 hours; an experiment counts as a false positive
    // if any look rejects at α = 0.05.
    const alpha = 0.05;
    const experiments = 2000;
    const rates = simulatePeeking(
      { experiments, looks: 100, usersPerArmPerLook: 200, controlRate: 0.05, variantRate: 0.05, alpha },
      mulberry32(20240601),
    );
    // the binomial upper 4σ bound around α itself would be ≈ 0.069; require the estimate below α outright
    assert.ok(rates.sequential < alpha, `mSPRT false-positive rate ${rates.sequential}`);
    // a fixed-horizon z-test checked 100 times rejects far more often than α (theory: ≈ 0.3–0.4)
    assert.ok(rates.naive > 4 * alpha, `naive repeated z-test false-positive rate ${rates.naive}`);
  });

  it('still detects a real 20% relative lift under the same hourly monitoring', () => {
    const rates = simulatePeeking(
      { experiments: 300, looks: 100, usersPerArmPerLook: 200, controlRate: 0.05, variantRate: 0.06, alpha: 0.05 },
      mulberry32(7),
    );
    assert.ok(rates.sequential > 0.8, `power ${rates.sequential}`);
  });
});
