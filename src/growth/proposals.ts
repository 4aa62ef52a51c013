import type { ArmAnalysis, ExperimentAnalysis } from './analysis.js';

export interface ProposalConfig {
  /** Extra reward spend all proposals together may add over the horizon, in currency units. */
  budget: number;
  /** Largest reward change in one proposal, in percent of the current amount. @defaultValue 20 */
  maxRewardStepPct?: number;
  /** Family-wise level the corrected sequential p-value must beat. @defaultValue 0.05 */
  alpha?: number;
  /** Users every arm needs before anything is proposed; the larger of this and the analysis' own minimum applies. @defaultValue 0 */
  minSamplePerArm?: number;
  /** Chance to beat control a winner needs (and 1 − this for a loser). @defaultValue 0.95 */
  minChanceToBeat?: number;
  /** A winner costing more than this per incremental conversion gets its reward cut instead of raised. @defaultValue Infinity */
  maxCostPerIncrementalConversion?: number;
  /** Exposures, all arms together, expected over the period `budget` covers. @defaultValue the exposures observed so far */
  horizonExposures?: number;
  /** Largest traffic share moved to a winner in one proposal (0.1 = 10 points). @defaultValue 0.1 */
  maxTrafficStep?: number;
  /** Traffic share the control keeps. @defaultValue 0.1 */
  controlFloor?: number;
  /** Granularity of reward amounts (0.01 for cents, 1 for whole points). @defaultValue 0.01 */
  rewardIncrement?: number;
}

export type ProposalKind = 'reward.adjust' | 'traffic.shift' | 'arm.stop';

export interface Proposal {
  kind: ProposalKind;
  arm: string;
  /** Current reward amount ('reward.adjust') or traffic weight ('traffic.shift', 'arm.stop'). */
  from: number;
  to: number;
  percentChange: number;
  /** Projected change in reward spend over the horizon; negative is a saving. */
  budgetDelta: number;
  evidence: {
    /** Absolute conversion-rate uplift vs control. */
    effect: number;
    /** Always-valid confidence sequence for the uplift. */
    interval: [number, number];
    /** Chance to beat control. */
    probability: number;
    /** Sequential p-value, corrected across variants. */
    pValue: number;
    /** Cost per incremental conversion, null when there are none. */
    cost: number | null;
  };
  reason: string;
}

export interface ProposalSet {
  proposals: Proposal[];
  /** Why arms got no proposal (guardrails, no evidence, budget). */
  notes: string[];
}

type Resolved = Required<ProposalConfig>;

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const money = (x: number) => x.toFixed(2);

function evidenceOf(a: ArmAnalysis): Proposal['evidence'] {
  const v = a.vsControl!;
  return {
    effect: v.absoluteUplift.estimate,
    interval: [v.sequential.lower, v.sequential.upper],
    probability: v.chanceToBeatControl,
    pValue: v.sequential.adjustedPValue,
    cost: v.costPerIncrementalConversion,
  };
}

function percentChange(from: number, to: number): number {
  return from === 0 ? (to === 0 ? 0 : Infinity) : ((to - from) / from) * 100;
}

/**
 * Reward spend scales with the amount at the current redemption rate (first
 * order: a higher reward that also lifts redemptions costs more than this).
 */
function rewardProposal(a: ArmAnalysis, config: Resolved, direction: 1 | -1, remainingBudget: number, reason: string): Proposal | null {
  const from = a.rewardAmount;
  if (!(from > 0)) return null;
  const spendPerUnitReward = (a.rewardCostPerUser / from) * a.expectedWeight * config.horizonExposures;
  let to = from * (1 + (direction * config.maxRewardStepPct) / 100);
  if (direction > 0 && spendPerUnitReward > 0) to = Math.min(to, from + Math.max(0, remainingBudget) / spendPerUnitReward);
  // whole increments, rounded toward `from` so a raise never overshoots the budget
  const steps = to / config.rewardIncrement;
  to = Number(((direction > 0 ? Math.floor(steps + 1e-9) : Math.ceil(steps - 1e-9)) * config.rewardIncrement).toFixed(10));
  if (direction > 0 ? to <= from : to >= from) return null;
  return { kind: 'reward.adjust', arm: a.arm, from, to, percentChange: percentChange(from, to), budgetDelta: (to - from) * spendPerUnitReward, evidence: evidenceOf(a), reason };
}

function trafficProposal(winner: ArmAnalysis, control: ArmAnalysis, controlWeight: number, config: Resolved, remainingBudget: number): Proposal | null {
  const costGap = (winner.rewardCostPerUser - control.rewardCostPerUser) * config.horizonExposures;
  let shift = Math.min(config.maxTrafficStep, controlWeight - config.controlFloor);
  if (costGap > 0) shift = Math.min(shift, Math.max(0, remainingBudget) / costGap);
  shift = Math.floor(shift * 1000 + 1e-9) / 1000;
  if (!(shift > 0)) return null;
  const from = winner.expectedWeight;
  const to = from + shift;
  return {
    kind: 'traffic.shift',
    arm: winner.arm,
    from,
    to,
    percentChange: percentChange(from, to),
    budgetDelta: shift * costGap,
    evidence: evidenceOf(winner),
    reason: `move ${pct(shift)} of traffic from control ${control.arm} to winner ${winner.arm}; control keeps ${pct(controlWeight - shift)}`,
  };
}

function gateNotes(analysis: ExperimentAnalysis, minSample: number): string[] {
  const notes: string[] = [];
  if (analysis.srm.mismatch) {
    notes.push(`sample ratio mismatch (χ² = ${analysis.srm.chiSquare.toFixed(2)}, p = ${analysis.srm.pValue.toExponential(2)} < ${analysis.srm.threshold}): fix assignment or logging before acting on results`);
  }
  const short = analysis.arms.filter((a) => a.exposures < minSample);
  if (short.length > 0) notes.push(`minimum sample of ${minSample} per arm not reached: ${short.map((a) => `${a.arm} has ${a.exposures}`).join(', ')}`);
  return notes;
}

/**
 * Reward and traffic changes an analysis supports. Decisions use only the
 * always-valid (mSPRT) p-value corrected across variants, so re-running this
 * every hour does not inflate false positives. Nothing is proposed while SRM
 * is flagged or any arm is below the minimum sample. Spending proposals are
 * funded in order of evidence strength until `budget` is used; savings from
 * cuts and stops are not re-spent.
 */
export function proposeChanges(analysis: ExperimentAnalysis, config: ProposalConfig): ProposalSet {
  const resolved: Resolved = {
    budget: config.budget,
    maxRewardStepPct: config.maxRewardStepPct ?? 20,
    alpha: config.alpha ?? 0.05,
    minSamplePerArm: config.minSamplePerArm ?? 0,
    minChanceToBeat: config.minChanceToBeat ?? 0.95,
    maxCostPerIncrementalConversion: config.maxCostPerIncrementalConversion ?? Infinity,
    horizonExposures: config.horizonExposures ?? analysis.arms.reduce((s, a) => s + a.exposures, 0),
    maxTrafficStep: config.maxTrafficStep ?? 0.1,
    controlFloor: config.controlFloor ?? 0.1,
    rewardIncrement: config.rewardIncrement ?? 0.01,
  };
  const notes = gateNotes(analysis, Math.max(resolved.minSamplePerArm, analysis.minSamplePerArm));
  if (notes.length > 0) return { proposals: [], notes };

  const control = analysis.arms.find((a) => a.isControl)!;
  const proposals: Proposal[] = [];
  let remaining = resolved.budget;
  let controlWeight = control.expectedWeight;
  const variants = analysis.arms.filter((a) => a.vsControl).sort((x, y) => x.vsControl!.sequential.adjustedPValue - y.vsControl!.sequential.adjustedPValue);
  for (const a of variants) {
    const v = a.vsControl!;
    const significant = v.sequential.adjustedPValue < resolved.alpha;
    const summary = `uplift ${pct(v.absoluteUplift.estimate)} (always-valid CI ${pct(v.sequential.lower)} to ${pct(v.sequential.upper)}), p = ${v.sequential.adjustedPValue.toPrecision(3)}, P(beat control) = ${pct(v.chanceToBeatControl)}`;
    if (!significant) {
      notes.push(`${a.arm}: no decision yet, ${summary}`);
    } else if (v.absoluteUplift.estimate < 0 && v.chanceToBeatControl <= 1 - resolved.minChanceToBeat) {
      const budgetDelta = (control.rewardCostPerUser - a.rewardCostPerUser) * a.expectedWeight * resolved.horizonExposures;
      proposals.push({
        kind: 'arm.stop', arm: a.arm, from: a.expectedWeight, to: 0, percentChange: -100, budgetDelta,
        evidence: evidenceOf(a), reason: `${a.arm} converts worse than control: ${summary}; its traffic returns to control`,
      });
    } else if (v.absoluteUplift.estimate > 0 && v.chanceToBeatControl >= resolved.minChanceToBeat) {
      const cpic = v.costPerIncrementalConversion;
      if (cpic !== null && cpic > resolved.maxCostPerIncrementalConversion) {
        const cut = rewardProposal(a, resolved, -1, remaining, `${a.arm} wins (${summary}) but costs ${money(cpic)} per incremental conversion, above ${money(resolved.maxCostPerIncrementalConversion)}: cut the reward`);
        if (cut) proposals.push(cut);
        continue;
      }
      const raise = rewardProposal(a, resolved, 1, remaining, `${a.arm} is a clear winner: ${summary}, ${cpic === null ? 'no extra cost' : `${money(cpic)} per incremental conversion`}`);
      if (raise) {
        proposals.push(raise);
        remaining -= Math.max(0, raise.budgetDelta);
      } else if (a.rewardAmount > 0) notes.push(`${a.arm}: winner, but no budget left for a reward raise`);
      const shift = trafficProposal(a, control, controlWeight, resolved, remaining);
      if (shift) {
        proposals.push(shift);
        controlWeight -= shift.to - shift.from;
        remaining -= Math.max(0, shift.budgetDelta);
      }
    } else {
      notes.push(`${a.arm}: significant but the Bayesian check disagrees (${summary}); waiting`);
    }
  }
  return { proposals, notes };
}
