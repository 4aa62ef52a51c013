import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeExperiment, type ArmAggregate } from '../../src/growth/analysis.js';
import { mechanismEffectiveness } from '../../src/growth/effectiveness.js';

const arm = (name: string, mechanism: ArmAggregate['mechanism'], exposures: number, conversions: number, reward: number, revenuePerConversion: number): ArmAggregate => ({
  arm: name,
  mechanism,
  rewardAmount: reward,
  rewardCost: reward * conversions,
  exposures,
  conversions,
  revenueSum: revenuePerConversion * conversions,
  revenueSumSq: revenuePerConversion * revenuePerConversion * conversions,
});

const analyse = (arms: ArmAggregate[]) => analyzeExperiment({ controlArm: 'control', arms, expectedWeights: Object.fromEntries(arms.map((a) => [a.arm, 1])) });

describe('gamification effectiveness per mechanism', () => {
  it('pools the arms of a mechanism: incremental conversions, cost per incremental conversion and ROI against control', () => {
    const analysis = analyse([
      arm('control', 'none', 1000, 100, 0, 30),
      arm('points-5', 'points', 1000, 130, 5, 30),
      arm('points-10', 'points', 1000, 150, 10, 30),
      arm('badge', 'badge', 1000, 110, 0, 30),
    ]);
    const [points, badge] = mechanismEffectiveness(analysis);
    assert.equal(points!.mechanism, 'points');
    assert.deepEqual(points!.arms, ['points-5', 'points-10']);
    // (130 − 100) + (150 − 100) incremental conversions; cost 5·130 + 10·150, control pays nothing
    assert.equal(points!.incrementalConversions, 80);
    assert.equal(points!.incrementalCost, 2150);
    assert.equal(points!.costPerIncrementalConversion, 2150 / 80);
    assert.equal(points!.roi, (80 * 30 - 2150) / 2150);
    assert.ok(Math.abs(points!.uplift - 0.04) < 1e-12);
    assert.equal(badge!.incrementalConversions, 10);
    assert.equal(badge!.roi, null, 'a free mechanism has no ROI ratio');
    assert.equal(badge!.costPerIncrementalConversion, 0);
    assert.equal(points!.trend.direction, 'new');
  });

  it('reads a trend only when the uplift moved by more than its standard error', () => {
    const first = mechanismEffectiveness(analyse([arm('control', 'none', 1000, 100, 0, 0), arm('streak', 'streak', 1000, 130, 2, 0)]));
    const small = mechanismEffectiveness(analyse([arm('control', 'none', 2000, 200, 0, 0), arm('streak', 'streak', 2000, 262, 2, 0)]), first);
    assert.equal(small[0]!.trend.direction, 'stable');
    assert.ok(Math.abs(small[0]!.trend.change! - 0.001) < 1e-12);
    const down = mechanismEffectiveness(analyse([arm('control', 'none', 4000, 400, 0, 0), arm('streak', 'streak', 4000, 420, 2, 0)]), small);
    assert.equal(down[0]!.trend.direction, 'declining');
    const up = mechanismEffectiveness(analyse([arm('control', 'none', 8000, 800, 0, 0), arm('streak', 'streak', 8000, 1100, 2, 0)]), down);
    assert.equal(up[0]!.trend.direction, 'improving');
  });
});
