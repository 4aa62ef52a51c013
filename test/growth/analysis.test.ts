import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeExperiment } from '../../src/growth/analysis.js';
import { assertClose } from './close-to.js';
import { AA, arm, UPLIFT } from './experiment-fixtures.js';

describe('analyzeExperiment', () => {
  it('reports rates, uplift, tests and economics of a variant against control', () => {
    const analysis = analyzeExperiment(UPLIFT, { minSamplePerArm: 10_000 });
    const [control, points] = analysis.arms;
    assert.equal(control?.isControl, true);
    assert.equal(control?.vsControl, null);
    assert.equal(points?.conversionRate, 0.06);
    assert.equal(points?.revenuePerUser, 1.2);
    assert.equal(points?.rewardCostPerUser, 0.12);
    assert.equal(points?.expectedWeight, 0.5);
    const v = points!.vsControl!;
    assertClose(v.absoluteUplift.estimate, 0.01, 1e-12);
    assertClose(v.relativeUplift.estimate, 0.2, 1e-12);
    assert.ok(v.absoluteUplift.lower > 0);
    assert.ok(v.zTest.pValue < 1e-4 && v.zTest.adjustedPValue === v.zTest.pValue, 'one variant: nothing to correct');
    assert.ok(v.sequential.pValue < 0.001 && v.sequential.lower > 0);
    assert.ok(v.sequential.upper - v.sequential.lower > v.absoluteUplift.upper - v.absoluteUplift.lower, 'always-valid interval is wider');
    assert.ok(v.revenue.pValue < 0.001 && v.revenue.difference > 0);
    assert.ok(v.chanceToBeatControl > 0.999);
    assert.ok(v.expectedLoss < 1e-6);
    assertClose(v.incrementalConversions, 200, 1e-9);
    assertClose(v.incrementalRevenue, 4000, 1e-9);
    assertClose(v.incrementalCost, 2400, 1e-9);
    assertClose(v.costPerIncrementalConversion!, 12, 1e-9);
    assertClose(v.roi!, (4000 - 2400) / 2400, 1e-12);
    assert.equal(analysis.srm.mismatch, false);
    assert.equal(analysis.minSampleReached, true);
  });

  it('corrects p-values across several variants', () => {
    const input = {
      controlArm: 'control',
      arms: [arm('control', 'none', 0, 20_000, 1000), arm('a', 'points', 1, 20_000, 1040), arm('b', 'badge', 0, 20_000, 1060)],
      expectedWeights: { control: 1, a: 1, b: 1 },
    };
    const holm = analyzeExperiment(input);
    const bh = analyzeExperiment(input, { correction: 'benjamini-hochberg' });
    for (const a of holm.arms.filter((x) => x.vsControl)) {
      assert.ok(a.vsControl!.zTest.adjustedPValue >= a.vsControl!.zTest.pValue);
      assert.ok(a.vsControl!.sequential.adjustedPValue >= a.vsControl!.sequential.pValue);
    }
    const [, ha, hb] = holm.arms;
    const [, ba] = bh.arms;
    // Holm: smallest p times 2, next times 1 (then monotone); BH: both ≤ Holm
    assertClose(hb!.vsControl!.zTest.adjustedPValue, 2 * hb!.vsControl!.zTest.pValue, 1e-15);
    assert.ok(ba!.vsControl!.zTest.adjustedPValue <= ha!.vsControl!.zTest.adjustedPValue);
  });

  it('flags a sample ratio mismatch against the configured weights', () => {
    const skewed = { ...UPLIFT, arms: [arm('control', 'none', 0, 20_000, 1000), arm('points', 'points', 2, 18_000, 1080)] };
    const analysis = analyzeExperiment(skewed);
    assert.equal(analysis.srm.mismatch, true);
    assert.ok(analysis.srm.pValue < 1e-20); // χ² = 2·1000²/19 000 ≈ 105
  });

  it('derives the minimum sample from a planned effect and reports whether each arm reached it', () => {
    const analysis = analyzeExperiment(AA, { samplePlan: { baselineRate: 0.05, minDetectableEffect: 0.1, effectType: 'relative' } });
    // pooled-variance formula at p1 = 0.05, p2 = 0.055, α 0.05, power 0.8: n = 31 233.4 (scipy), so 31 234
    assert.equal(analysis.minSamplePerArm, 31_234);
    assert.equal(analysis.minSampleReached, false);
    assert.ok(analysis.arms.every((a) => !a.minSampleReached));
  });

  it('reports no incremental cost-effectiveness when a variant brings no extra conversions', () => {
    const analysis = analyzeExperiment({ ...AA, arms: [arm('control', 'none', 0, 10_000, 500), arm('streak', 'streak', 1, 10_000, 480)] });
    const v = analysis.arms[1]!.vsControl!;
    assert.equal(v.costPerIncrementalConversion, null);
    assert.ok(v.incrementalConversions < 0);
    assert.ok(v.roi! < 0);
  });
});
