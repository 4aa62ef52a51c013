import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeExperiment } from '../../src/growth/analysis.js';
import type { ArmAggregate } from '../../src/growth/analysis.js';
import { mulberry32 } from '../../src/growth/mulberry32.js';
import { proposeChanges } from '../../src/growth/proposals.js';
import { assertClose } from './close-to.js';
import { AA, arm, UPLIFT } from './experiment-fixtures.js';

const CONFIG = { budget: 1000, maxRewardStepPct: 20, alpha: 0.05, minSamplePerArm: 5000 };

function positiveSpend(proposals: { budgetDelta: number }[]): number {
  return proposals.reduce((s, p) => s + Math.max(0, p.budgetDelta), 0);
}

describe('proposeChanges', () => {
  it('raises the reward of a clear winner by at most the step and shifts traffic to it', () => {
    const { proposals } = proposeChanges(analyzeExperiment(UPLIFT), CONFIG);
    const raise = proposals.find((p) => p.kind === 'reward.adjust');
    assert.ok(raise, 'a raise is proposed');
    assert.equal(raise.arm, 'points');
    assert.equal(raise.from, 2);
    assert.equal(raise.to, 2.4);
    assertClose(raise.percentChange, 20, 1e-9);
    // 0.06 redemptions per user × 20 000 horizon users in the arm × 0.40 more per redemption
    assertClose(raise.budgetDelta, 480, 1e-9);
    assert.ok(raise.evidence.pValue < 0.05 && raise.evidence.probability > 0.95);
    assert.ok(raise.evidence.interval[0] > 0);
    assertClose(raise.evidence.cost!, 12, 1e-9);
    assert.match(raise.reason, /clear winner/);
    const shift = proposals.find((p) => p.kind === 'traffic.shift');
    assert.ok(shift);
    assert.deepEqual([shift.arm, shift.from, shift.to], ['points', 0.5, 0.6]);
    assert.ok(positiveSpend(proposals) <= CONFIG.budget);
  });

  it('proposes nothing for an A/A experiment', () => {
    const { proposals, notes } = proposeChanges(analyzeExperiment(AA), CONFIG);
    assert.deepEqual(proposals, []);
    assert.match(notes.join('\n'), /no decision yet/);
  });

  it('proposes nothing while the sample ratio mismatch check fails', () => {
    const skewed = { ...UPLIFT, arms: [arm('control', 'none', 0, 20_000, 1000), arm('points', 'points', 2, 18_500, 1200)] };
    const analysis = analyzeExperiment(skewed);
    assert.equal(analysis.srm.mismatch, true);
    assert.ok(analysis.arms[1]!.vsControl!.sequential.adjustedPValue < 0.05, 'the data alone would have been a winner');
    const { proposals, notes } = proposeChanges(analysis, CONFIG);
    assert.deepEqual(proposals, []);
    assert.match(notes[0]!, /sample ratio mismatch/);
  });

  it('proposes nothing before every arm reaches the minimum sample', () => {
    const { proposals, notes } = proposeChanges(analyzeExperiment(UPLIFT), { ...CONFIG, minSamplePerArm: 25_000 });
    assert.deepEqual(proposals, []);
    assert.match(notes[0]!, /minimum sample of 25000/);
  });

  it('never spends beyond the budget, shrinking the raise to fit', () => {
    const { proposals } = proposeChanges(analyzeExperiment(UPLIFT), { ...CONFIG, budget: 300 });
    const raise = proposals.find((p) => p.kind === 'reward.adjust');
    assert.ok(raise);
    assert.equal(raise.to, 2.25); // 300 / (0.06 × 20 000) = 0.25 more per redemption
    assert.ok(positiveSpend(proposals) <= 300 + 1e-9, `spent ${positiveSpend(proposals)}`);
    assert.deepEqual(proposeChanges(analyzeExperiment(UPLIFT), { ...CONFIG, budget: 0 }).proposals.filter((p) => p.budgetDelta > 0), []);
  });

  it('stops an arm that converts significantly worse than control', () => {
    const losing = { ...UPLIFT, arms: [arm('control', 'none', 0, 20_000, 1000), arm('badge', 'badge', 1, 20_000, 800)], expectedWeights: { control: 1, badge: 1 } };
    const { proposals } = proposeChanges(analyzeExperiment(losing), CONFIG);
    assert.equal(proposals.length, 1);
    const stop = proposals[0]!;
    assert.deepEqual([stop.kind, stop.arm, stop.from, stop.to, stop.percentChange], ['arm.stop', 'badge', 0.5, 0, -100]);
    assert.ok(stop.budgetDelta < 0, 'stopping a rewarded arm saves money');
  });

  it('cuts the reward of a winner that costs more per incremental conversion than allowed', () => {
    const { proposals } = proposeChanges(analyzeExperiment(UPLIFT), { ...CONFIG, maxCostPerIncrementalConversion: 5 });
    assert.equal(proposals.length, 1);
    const cut = proposals[0]!;
    assert.deepEqual([cut.kind, cut.from, cut.to], ['reward.adjust', 2, 1.6]);
    assert.ok(cut.budgetDelta < 0);
    assert.match(cut.reason, /per incremental conversion/);
  });

  it('keeps the control at its floor when shifting traffic', () => {
    const input = { ...UPLIFT, expectedWeights: { control: 15, points: 85 }, arms: [arm('control', 'none', 0, 6000, 300), arm('points', 'points', 2, 34_000, 2040)] };
    const { proposals } = proposeChanges(analyzeExperiment(input), { ...CONFIG, budget: 10_000, controlFloor: 0.1 });
    const shift = proposals.find((p) => p.kind === 'traffic.shift');
    assert.ok(shift);
    assertClose(shift.to - shift.from, 0.05, 1e-12);
  });

  it('rarely proposes anything when an A/A experiment is re-analysed every hour', () => {
    // 300 seeded A/A experiments, 5% conversion, 300 users per arm per hour, re-analysed
    // after each of 60 hours; count experiments that ever got a proposal.
    const rng = mulberry32(99);
    const experiments = 300;
    let withProposal = 0;
    for (let e = 0; e < experiments; e += 1) {
      let c = 0;
      let v = 0;
      for (let hour = 1; hour <= 60; hour += 1) {
        for (let i = 0; i < 300; i += 1) {
          if (rng() < 0.05) c += 1;
          if (rng() < 0.05) v += 1;
        }
        const arms: ArmAggregate[] = [arm('control', 'none', 0, hour * 300, c), arm('points', 'points', 2, hour * 300, v)];
        const analysis = analyzeExperiment({ controlArm: 'control', arms, expectedWeights: { control: 1, points: 1 } });
        if (proposeChanges(analysis, { ...CONFIG, minSamplePerArm: 1000 }).proposals.length > 0) {
          withProposal += 1;
          break;
        }
      }
    }
    assert.ok(withProposal / experiments < 0.05, `${withProposal} of ${experiments} A/A experiments got a proposal`);
  });
});
