import type { Rng } from './mulberry32.js';
import { sequentialProportionTest } from './stats/sequential-test.js';
import { twoProportionZTest } from './stats/two-proportion-z-test.js';

export interface PeekingSimulation {
  experiments: number;
  looks: number;
  usersPerArmPerLook: number;
  controlRate: number;
  variantRate: number;
  alpha: number;
}

/**
 * Validation harness for the sequential test (used by the tests and
 * bench/sequential-fpr.ts, not by the strategist itself). Runs A/B experiments look by look and counts the experiments in which each
 * procedure ever rejected H0 (an "hourly" analyst stops at the first rejection).
 */
export function simulatePeeking(sim: PeekingSimulation, rng: Rng): { sequential: number; naive: number } {
  let sequential = 0;
  let naive = 0;
  for (let e = 0; e < sim.experiments; e += 1) {
    let conversionsC = 0;
    let conversionsV = 0;
    let n = 0;
    let seqHit = false;
    let naiveHit = false;
    for (let look = 0; look < sim.looks && !(seqHit && naiveHit); look += 1) {
      for (let i = 0; i < sim.usersPerArmPerLook; i += 1) {
        if (rng() < sim.controlRate) conversionsC += 1;
        if (rng() < sim.variantRate) conversionsV += 1;
      }
      n += sim.usersPerArmPerLook;
      const control = { exposures: n, conversions: conversionsC };
      const variant = { exposures: n, conversions: conversionsV };
      if (!seqHit && sequentialProportionTest(control, variant, { alpha: sim.alpha }).pValue <= sim.alpha) seqHit = true;
      if (!naiveHit && twoProportionZTest(control, variant).pValue <= sim.alpha) naiveHit = true;
    }
    if (seqHit) sequential += 1;
    if (naiveHit) naive += 1;
  }
  return { sequential: sequential / sim.experiments, naive: naive / sim.experiments };
}
