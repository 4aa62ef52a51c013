import type { Rng } from './mulberry32.js';
import { sampleBeta } from './sample-beta.js';
import { betaPosterior } from './stats/chance-to-beat.js';

export interface ThompsonArm {
  arm: string;
  exposures: number;
  conversions: number;
}

export interface ThompsonOptions {
  controlArm: string;
  /** Seeded uniform source, e.g. `mulberry32(seed)`. */
  rng: Rng;
  /** Share of traffic the control keeps whatever the posteriors say, so the baseline stays measurable. @defaultValue 0.1 */
  controlFloor?: number;
  /** Posterior draws used to estimate each arm's probability of being best. @defaultValue 10000 */
  draws?: number;
}

export interface ThompsonAllocation {
  /** Traffic weights summing to 1, control ≥ controlFloor. */
  weights: Record<string, number>;
  /** Monte Carlo P(arm has the highest rate) under Beta(1 + conversions, 1 + non-conversions) posteriors. */
  probabilityBest: Record<string, number>;
}

/**
 * Thompson sampling as a traffic split: each arm's weight is its posterior
 * probability of being the best arm, estimated from `draws` joint posterior
 * samples; then the control is lifted to its floor and the other arms scaled
 * down proportionally.
 */
export function thompsonWeights(arms: readonly ThompsonArm[], options: ThompsonOptions): ThompsonAllocation {
  const { controlArm, rng, controlFloor = 0.1, draws = 10_000 } = options;
  if (!arms.some((a) => a.arm === controlArm)) throw new RangeError(`control arm ${controlArm} is not among the arms`);
  if (!(controlFloor >= 0 && controlFloor <= 1)) throw new RangeError('controlFloor must be in [0, 1]');
  const posteriors = arms.map((a) => betaPosterior(a.conversions, a.exposures));
  const wins = new Array<number>(arms.length).fill(0);
  for (let d = 0; d < draws; d += 1) {
    let best = 0;
    let bestValue = -1;
    posteriors.forEach((p, i) => {
      const value = sampleBeta(p.alpha, p.beta, rng);
      if (value > bestValue) {
        bestValue = value;
        best = i;
      }
    });
    wins[best] = (wins[best] as number) + 1;
  }
  const probabilityBest = Object.fromEntries(arms.map((a, i) => [a.arm, (wins[i] as number) / draws]));
  const controlShare = probabilityBest[controlArm] as number;
  const weights = { ...probabilityBest };
  if (controlShare < controlFloor) {
    const othersShare = 1 - controlShare;
    for (const a of arms) {
      weights[a.arm] = a.arm === controlArm ? controlFloor : ((probabilityBest[a.arm] as number) / othersShare) * (1 - controlFloor);
    }
  }
  return { weights, probabilityBest };
}
