// Property tests over generated totals: every figure is either a real number
// with a real interval or a named state; nothing degenerate passes as a result.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type ArmAggregate, analyzeExperiment } from '../../src/growth/analysis.js';
import { bayesianLift } from '../../src/growth/stats/bayesian-lift.js';
import { confidenceSequenceLift } from '../../src/growth/stats/confidence-sequence.js';
import { frequentistLift } from '../../src/growth/stats/frequentist-lift.js';
import { sampleRatioMismatch } from '../../src/growth/stats/sample-ratio-mismatch.js';
import type { SummaryStatistic } from '../../src/growth/stats/summary-statistic.js';

const weird = fc.oneof(fc.constant(NaN), fc.constant(Infinity), fc.constant(-Infinity), fc.integer({ min: -1000, max: -1 }), fc.double({ noNaN: true }));
const count = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 1_000_000 }) }, { weight: 1, arbitrary: fc.constantFrom(0, 1, 2) }, { weight: 1, arbitrary: weird });

const proportion: fc.Arbitrary<SummaryStatistic> = fc.record({ n: count, sum: count }).map(({ n, sum }) => ({ kind: 'proportion', n, sum }));
const mean: fc.Arbitrary<SummaryStatistic> = fc
  .record({ n: count, sum: fc.oneof(fc.double({ min: -1e6, max: 1e7, noNaN: true }), weird), spread: fc.oneof(fc.double({ min: -10, max: 1e6, noNaN: true }), weird) })
  .map(({ n, sum, spread }) => ({ kind: 'mean', n, sum, sumSquares: Number.isFinite(n) && n > 0 ? (sum * sum) / n + spread : spread }));

const validOf = (s: SummaryStatistic) =>
  Number.isSafeInteger(s.n) && s.n >= 0 && Number.isFinite(s.sum) && (s.kind === 'proportion' ? Number.isSafeInteger(s.sum) && s.sum >= 0 && s.sum <= s.n : Number.isFinite(s.sumSquares) && s.sumSquares >= 0 && s.sumSquares - (s.sum * s.sum) / (s.n || 1) >= -1e-9 * Math.max(1, s.sumSquares));

function checkInterval(lower: number, upper: number, estimate: number) {
  assert.ok(Number.isFinite(lower) && Number.isFinite(upper), `finite interval, got [${lower}, ${upper}]`);
  assert.ok(lower < upper, `positive width, got [${lower}, ${upper}]`);
  assert.ok(lower <= estimate && estimate <= upper);
}

describe('degenerate inputs never give figures (fast-check)', () => {
  it('GrowthBook-style lifts: ok means a real interval and p in (0, 1]; anything else is named', () => {
    fc.assert(
      fc.property(fc.oneof(fc.tuple(proportion, proportion), fc.tuple(mean, mean)), fc.constantFrom('absolute', 'relative') as fc.Arbitrary<'absolute' | 'relative'>, ([a, b], difference) => {
        const results = [frequentistLift(a, b, difference), bayesianLift(a, b, difference), confidenceSequenceLift(a, b, difference)];
        for (const r of results) {
          if (!validOf(a) || !validOf(b)) assert.equal(r.state, 'invalid input', JSON.stringify({ a, b, r }));
          if (r.state === 'ok') {
            if ('pValue' in r) assert.ok(r.pValue >= 0 && r.pValue <= 1 && !Number.isNaN(r.pValue));
            const estimate = 'mean' in r ? r.mean : r.estimate;
            checkInterval(r.lower, r.upper, estimate);
            if ('chanceToWin' in r) {
              assert.ok(r.chanceToWin >= 0 && r.chanceToWin <= 1);
              assert.ok(r.risk.control >= 0 && r.risk.variant >= 0);
            }
          } else {
            assert.ok(r.state === 'not enough data' || r.state === 'invalid input');
            assert.ok(r.reason.length > 0);
          }
        }
      }),
      { numRuns: 2000, seed: 12 },
    );
  });

  it('SRM: any NaN or negative count is invalid input, never "no mismatch"', () => {
    fc.assert(
      fc.property(fc.array(count, { minLength: 2, maxLength: 5 }), (counts) => {
        const r = sampleRatioMismatch(counts, counts.map(() => 1));
        const valid = counts.every((c) => Number.isFinite(c) && c >= 0);
        if (!valid) assert.equal(r.state, 'invalid input');
        if (r.state === 'ok') assert.ok(r.pValue >= 0 && r.pValue <= 1);
        else assert.equal(r.mismatch, false);
      }),
      { numRuns: 1000, seed: 12 },
    );
  });

  it('the analysis: invalid totals stop it, thin ones give "not enough data", never a zero-width interval', () => {
    const armOf = (name: string) =>
      fc.record({ exposures: count, conversions: count, revenueSum: fc.oneof(fc.double({ min: 0, max: 1e6, noNaN: true }), weird), extraSq: fc.double({ min: 0, max: 1e6, noNaN: true }) }).map(
        ({ exposures, conversions, revenueSum, extraSq }): ArmAggregate => ({
          arm: name,
          mechanism: 'points',
          rewardAmount: 1,
          rewardCost: 0,
          exposures,
          conversions,
          revenueSum,
          revenueSumSq: Number.isFinite(exposures) && exposures > 0 ? (revenueSum * revenueSum) / exposures + extraSq : extraSq,
        }),
      );
    fc.assert(
      fc.property(armOf('control'), armOf('v'), fc.constantFrom('flywheel', 'growthbook') as fc.Arbitrary<'flywheel' | 'growthbook'>, (control, variant, engine) => {
        const analysis = analyzeExperiment({ controlArm: 'control', arms: [control, variant], expectedWeights: { control: 1, v: 1 } }, { engine });
        if (analysis.state === 'invalid input') {
          assert.ok(analysis.reason?.startsWith('invalid input: arms.'));
          assert.ok(analysis.arms.every((a) => a.vsControl === null));
          return;
        }
        const v = analysis.arms[1]!.vsControl!;
        assert.ok(v.sequential.pValue > 0 || Math.abs(v.absoluteUplift.estimate) > 0, 'p = 0 only for a real difference');
        if (v.state === 'ok') {
          checkInterval(v.absoluteUplift.lower, v.absoluteUplift.upper, v.absoluteUplift.estimate);
          assert.ok(v.chanceToBeatControl >= 0 && v.chanceToBeatControl <= 1);
        } else {
          assert.ok(Number.isNaN(v.absoluteUplift.lower) && Number.isNaN(v.absoluteUplift.upper), 'no interval without data');
          assert.equal(v.sequential.pValue, 1);
          assert.match(v.reason ?? '', /^not enough data: /);
        }
      }),
      { numRuns: 1500, seed: 12 },
    );
  });
});
