import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mulberry32 } from '../../src/growth/mulberry32.js';
import { sampleBeta, sampleGamma } from '../../src/growth/sample-beta.js';
import { thompsonWeights } from '../../src/growth/thompson.js';

function moments(xs: number[]) {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  return { mean, variance: xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1) };
}

describe('gamma and beta samplers', () => {
  it('draw Gamma(k) with mean k and variance k, including shapes below 1', () => {
    const rng = mulberry32(11);
    for (const shape of [0.3, 1, 4.5, 200]) {
      const m = moments(Array.from({ length: 40_000 }, () => sampleGamma(shape, rng)));
      assert.ok(Math.abs(m.mean - shape) < 4 * Math.sqrt(shape / 40_000), `mean for shape ${shape}: ${m.mean}`);
      assert.ok(Math.abs(m.variance / shape - 1) < 0.05, `variance for shape ${shape}: ${m.variance}`);
    }
  });

  it('draw Beta(a, b) with mean a/(a+b)', () => {
    const rng = mulberry32(12);
    const m = moments(Array.from({ length: 40_000 }, () => sampleBeta(31, 971, rng)));
    const mean = 31 / 1002;
    const sd = Math.sqrt((mean * (1 - mean)) / 1003);
    assert.ok(Math.abs(m.mean - mean) < (4 * sd) / Math.sqrt(40_000));
    assert.ok(Math.abs(Math.sqrt(m.variance) / sd - 1) < 0.03);
  });
});

describe('Thompson sampling allocation', () => {
  const arms = [
    { arm: 'control', exposures: 4000, conversions: 200 },
    { arm: 'points', exposures: 4000, conversions: 260 },
    { arm: 'badge', exposures: 4000, conversions: 205 },
  ];

  it('gives the clearly better arm most of the traffic with a fixed seed', () => {
    const { weights, probabilityBest } = thompsonWeights(arms, { controlArm: 'control', rng: mulberry32(42) });
    assert.ok((weights.points as number) > 0.8, `points weight ${weights.points}`);
    assert.ok((probabilityBest.points as number) > (probabilityBest.badge as number));
    const total = Object.values(weights).reduce((s, w) => s + w, 0);
    assert.ok(Math.abs(total - 1) < 1e-12);
  });

  it('never lets the control drop below its floor', () => {
    for (const controlFloor of [0, 0.05, 0.1, 0.3]) {
      const { weights, probabilityBest } = thompsonWeights(arms, { controlArm: 'control', rng: mulberry32(1), controlFloor });
      assert.ok((weights.control as number) >= controlFloor - 1e-12, `control ${weights.control} < floor ${controlFloor}`);
      assert.ok((probabilityBest.control as number) < 0.01, 'the posterior itself gives control almost nothing');
    }
  });

  it('is reproducible for the same seed', () => {
    assert.deepEqual(
      thompsonWeights(arms, { controlArm: 'control', rng: mulberry32(5), draws: 2000 }),
      thompsonWeights(arms, { controlArm: 'control', rng: mulberry32(5), draws: 2000 }),
    );
  });

  it('splits traffic about evenly when nothing is known yet', () => {
    const empty = arms.map((a) => ({ ...a, exposures: 0, conversions: 0 }));
    const { weights } = thompsonWeights(empty, { controlArm: 'control', rng: mulberry32(3), draws: 30_000 });
    for (const w of Object.values(weights)) assert.ok(Math.abs(w - 1 / 3) < 0.02);
  });
});
