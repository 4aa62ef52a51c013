import type { ArmAggregate, RewardMechanism } from '../../src/growth/analysis.js';

/** An arm where every conversion earns `revenuePerConversion` and redeems one reward. */
export function arm(name: string, mechanism: RewardMechanism, rewardAmount: number, exposures: number, conversions: number, revenuePerConversion = 20): ArmAggregate {
  return {
    arm: name,
    mechanism,
    rewardAmount,
    exposures,
    conversions,
    revenueSum: conversions * revenuePerConversion,
    revenueSumSq: conversions * revenuePerConversion ** 2,
    rewardCost: conversions * rewardAmount,
  };
}

/** Control at 5% vs a points arm at 6% on 20k users each: a real 20% relative lift. */
export const UPLIFT = {
  controlArm: 'control',
  arms: [arm('control', 'none', 0, 20_000, 1000), arm('points', 'points', 2, 20_000, 1200)],
  expectedWeights: { control: 50, points: 50 },
};

/** Two identical arms (A/A). */
export const AA = {
  controlArm: 'control',
  arms: [arm('control', 'points', 2, 20_000, 1000), arm('copy', 'points', 2, 20_000, 1012)],
  expectedWeights: { control: 1, copy: 1 },
};
