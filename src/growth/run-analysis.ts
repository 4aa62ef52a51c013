import { propose } from '../approvals/propose.js';
import { appendAudit } from '../audit/store.js';
import type { Deps } from '../deps.js';
import { type ArmAggregate, analyzeExperiment, type ExperimentAnalysis } from './analysis.js';
import { type MechanismEffect, mechanismEffectiveness } from './effectiveness.js';
import { hashToUnit } from './hash-to-unit.js';
import { mulberry32 } from './mulberry32.js';
import { type Proposal, proposeChanges } from './proposals.js';
import { armShares, reallocate } from './reallocate.js';
import { armTotals, type ExperimentRow, experimentsToAnalyse, latestAnalysis, lockExperiment, saveAnalysis } from './store.js';
import { thompsonWeights } from './thompson.js';

/** What the mSPRT remembers between looks, per variant arm (JSON has no ±Infinity: null stands for unbounded). */
type SequentialState = Record<string, { pValue: number; lower: number | null; upper: number | null; rewardAmount: number }>;

export interface FiledProposal {
  kind: Proposal['kind'];
  arm: string;
  from: number;
  to: number;
  outcome: 'applied' | 'refused' | 'approval_requested';
  requestId?: string;
  reason?: string;
}

export interface ExperimentRun {
  experimentId: string;
  key: string;
  analysisId: string;
  exposures: number;
  srmMismatch: boolean;
  minSampleReached: boolean;
  proposals: FiledProposal[];
  notes: string[];
}

/** Plain JSON: non-finite numbers become null (Postgres jsonb and payload hashes accept no ±Infinity/NaN). */
const toJson = <T>(value: T): T => JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))) as T;
const round = (x: number, digits: number) => Number(x.toFixed(digits));

/**
 * The growth strategist's hourly run: for every experiment whose campaign is
 * delivering (or within an attribution window of finishing), read per-arm
 * totals, analyse them (stats, SRM, always-valid mSPRT with Holm/BH, Bayesian
 * checks, effectiveness per mechanism), store the result, and file the
 * proposals it supports through the policy. Everything carries `traceId`.
 */
export async function runGrowthAnalysis(deps: Deps, traceId: string): Promise<{ experiments: ExperimentRun[] }> {
  const now = deps.clock.now();
  const runs: ExperimentRun[] = [];
  for (const experiment of await experimentsToAnalyse(deps.db, now)) {
    const run = await analyseExperiment(deps, experiment, traceId, now);
    if (run) runs.push(run);
  }
  return { experiments: runs };
}

function restoreSequential(state: SequentialState | undefined, arms: readonly ArmAggregate[]) {
  const previous: Record<string, { pValue: number; lower: number; upper: number }> = {};
  for (const arm of arms) {
    const s = state?.[arm.arm];
    // A new reward is a new treatment: its evidence starts afresh.
    if (!s || s.rewardAmount !== arm.rewardAmount) continue;
    previous[arm.arm] = { pValue: s.pValue, lower: s.lower ?? -Infinity, upper: s.upper ?? Infinity };
  }
  return previous;
}

function sequentialStateOf(analysis: ExperimentAnalysis): SequentialState {
  const state: SequentialState = {};
  for (const arm of analysis.arms) {
    if (!arm.vsControl) continue;
    const s = arm.vsControl.sequential;
    state[arm.arm] = { pValue: s.pValue, lower: Number.isFinite(s.lower) ? s.lower : null, upper: Number.isFinite(s.upper) ? s.upper : null, rewardAmount: arm.rewardAmount };
  }
  return state;
}

/**
 * SRM compares exposures with what assignment intended. Until traffic is
 * re-weighted that is the configured weights. After a re-weighting, delivered
 * users carry the weights of their time and pending ones the new weights, so
 * the intended mix is the assigned arms of the finished deliveries (delivered
 * or dead): the check then flags arms that lose exposures.
 */
function expectedWeightsOf(experiment: ExperimentRow, totals: Map<string, { finished: number }>): { weights: Record<string, number>; source: string } {
  const finished = experiment.arms.reduce((s, a) => s + (totals.get(a.name)?.finished ?? 0), 0);
  if (experiment.allocation_version === 0 || finished === 0) {
    return { weights: Object.fromEntries(experiment.arms.map((a) => [a.name, a.weight])), source: 'configured weights' };
  }
  return { weights: Object.fromEntries(experiment.arms.map((a) => [a.name, totals.get(a.name)?.finished ?? 0])), source: 'assigned arms of finished deliveries (traffic was re-weighted)' };
}

async function analyseExperiment(deps: Deps, experiment: Awaited<ReturnType<typeof experimentsToAnalyse>>[number], traceId: string, now: Date): Promise<ExperimentRun | null> {
  const { growth } = deps.config;
  const totals = new Map((await armTotals(deps.db, experiment, now)).map((t) => [t.arm, t]));
  const arms: ArmAggregate[] = experiment.arms.map((a) => {
    const t = totals.get(a.name);
    const aggregate: ArmAggregate = { arm: a.name, mechanism: a.mechanism, rewardAmount: a.amount, rewardCost: t?.rewardCost ?? 0, exposures: t?.exposures ?? 0, conversions: t?.conversions ?? 0, revenueSum: t?.revenueSum ?? 0, revenueSumSq: t?.revenueSumSq ?? 0 };
    if (growth.stats.cuped) aggregate.pre = t?.pre ?? { conversions: 0, conversionsBoth: 0, revenueSum: 0, revenueSumSq: 0, revenueProducts: 0 };
    return aggregate;
  });
  const exposures = arms.reduce((s, a) => s + a.exposures, 0);
  if (exposures === 0) return null;

  const previous = await latestAnalysis(deps.db, experiment.id, traceId);
  const previousResult = previous?.result as { sequentialState?: SequentialState; effectiveness?: MechanismEffect[] } | undefined;
  const expected = expectedWeightsOf(experiment, totals);
  const analysis = analyzeExperiment(
    { controlArm: experiment.control_arm, arms, expectedWeights: expected.weights },
    {
      alpha: growth.alpha,
      engine: growth.stats.engine,
      sequentialTuning: growth.stats.sequentialTuning,
      minSamplePerArm: experiment.min_sample_per_arm,
      previousSequential: restoreSequential(previousResult?.sequentialState, arms),
    },
  );
  const effectiveness = mechanismEffectiveness(analysis, previousResult?.effectiveness ?? []);
  // Figures from totals no real data can produce are not acted on.
  const { proposals, notes } = analysis.state === 'ok' ? chooseProposals(deps, experiment, analysis, now) : { proposals: [], notes: [analysis.reason ?? 'invalid input'] };

  let reallocation: Record<string, unknown> | null = null;
  if (experiment.allocation_mode === 'thompson' && !analysis.srm.mismatch) {
    reallocation = await thompsonReallocate(deps, experiment, analysis, traceId, now);
  }

  const result = {
    analysedAt: now.toISOString(),
    campaignId: experiment.campaign_id,
    campaignName: experiment.campaign_name,
    campaignStatus: experiment.campaign_status,
    goalEvent: experiment.goal_event,
    expectedWeightsSource: expected.source,
    analysis,
    effectiveness,
    reallocation,
    sequentialState: sequentialStateOf(analysis),
    proposals: [] as FiledProposal[],
    notes,
  };
  const saved = await saveAnalysis(deps.db, { experimentId: experiment.id, traceId, at: now, result: toJson(result) });
  const analysisId = String(saved.id);
  await appendAudit(deps.db, {
    traceId,
    actor: 'growth',
    channel: 'system',
    action: 'growth.analysed',
    subjectType: 'experiment',
    subjectId: experiment.id,
    data: toJson({ analysisId, exposures, srm: analysis.srm, minSampleReached: analysis.minSampleReached, proposals: proposals.length, notes }),
    at: now,
  });

  for (const proposal of proposals) result.proposals.push(await file(deps, experiment, proposal, analysisId, traceId, now));
  if (result.proposals.length > 0) await saveAnalysis(deps.db, { experimentId: experiment.id, traceId, at: now, result: toJson(result) });
  return { experimentId: experiment.id, key: experiment.key, analysisId, exposures, srmMismatch: analysis.srm.mismatch, minSampleReached: analysis.minSampleReached, proposals: result.proposals, notes };
}

/**
 * proposals.ts's proposals, less what does not apply here: stopped arms get
 * none; traffic shifts are Thompson's job in that mode; an arm changed less
 * than one attribution window ago waits until its new reward has been measured.
 */
function chooseProposals(deps: Deps, experiment: ExperimentRow, analysis: ExperimentAnalysis, now: Date) {
  const { growth } = deps.config;
  const set = proposeChanges(analysis, {
    budget: growth.budget,
    alpha: growth.alpha,
    maxRewardStepPct: growth.maxRewardStepPct,
    minChanceToBeat: growth.minChanceToBeat,
    minSamplePerArm: experiment.min_sample_per_arm,
    ...(experiment.allocation_mode === 'thompson' ? { controlFloor: experiment.control_floor } : {}),
  });
  const notes = [...set.notes];
  const proposals = set.proposals.filter((p) => {
    const arm = experiment.arms.find((a) => a.name === p.arm);
    if (!arm || arm.weight <= 0) return false;
    if (p.kind === 'traffic.shift' && experiment.allocation_mode === 'thompson') return false;
    const changedAt = arm.changedAt ? new Date(arm.changedAt).getTime() : null;
    if (changedAt !== null && now.getTime() - changedAt < experiment.attribution_window_sec * 1000) {
      notes.push(`${p.arm}: changed at ${arm.changedAt}; no new ${p.kind} before one attribution window has measured it`);
      return false;
    }
    return true;
  });
  return { proposals, notes };
}

function paramsOf(experiment: ExperimentRow, p: Proposal, analysisId: string): { params: Record<string, unknown>; summary: string } {
  const base = {
    experimentId: experiment.id,
    experimentKey: experiment.key,
    campaignId: experiment.campaign_id,
    analysisId,
    arm: p.arm,
    budgetDelta: round(p.budgetDelta, 2),
    evidence: toJson(p.evidence),
    reason: p.reason,
  };
  if (p.kind === 'reward.adjust') {
    const mechanism = experiment.arms.find((a) => a.name === p.arm)?.mechanism ?? 'none';
    return {
      params: { ...base, mechanism, from: p.from, to: p.to, percentChange: round(p.percentChange, 4) },
      summary: `${p.to > p.from ? 'Raise' : 'Cut'} the ${mechanism} reward of arm ${p.arm} from ${p.from} to ${p.to} (experiment ${experiment.key})`,
    };
  }
  const shiftPercent = round((p.to - p.from) * 100, 4);
  if (p.kind === 'traffic.shift') {
    return {
      params: { ...base, fromShare: p.from, toShare: p.to, shiftPercent },
      summary: `Shift ${shiftPercent} points of traffic to arm ${p.arm} (experiment ${experiment.key})`,
    };
  }
  return { params: { ...base, fromShare: p.from, toShare: 0, shiftPercent }, summary: `Stop arm ${p.arm} (experiment ${experiment.key})` };
}

async function file(deps: Deps, experiment: ExperimentRow, p: Proposal, analysisId: string, traceId: string, now: Date): Promise<FiledProposal> {
  const { params, summary } = paramsOf(experiment, p, analysisId);
  await appendAudit(deps.db, { traceId, actor: 'growth', channel: 'system', action: 'growth.proposed', subjectType: 'experiment', subjectId: experiment.id, data: { kind: p.kind, ...params }, at: now });
  const outcome = await propose(deps, {
    kind: p.kind,
    proposer: 'growth',
    params,
    traceId,
    summary,
    // The same change is proposed once: an unanswered or rejected request is not filed again every hour.
    idempotencyKey: `growth:${experiment.id}:${p.kind}:${p.arm}:${p.from}:${p.to}`,
  });
  const filed: FiledProposal = { kind: p.kind, arm: p.arm, from: p.from, to: p.to, outcome: outcome.outcome };
  if (outcome.outcome === 'approval_requested') filed.requestId = outcome.request.id;
  if (outcome.outcome === 'refused') filed.reason = outcome.reason;
  return filed;
}

/** Thompson mode: traffic for pending deliveries follows the posterior probability of being best (control kept at its floor). */
async function thompsonReallocate(deps: Deps, row: ExperimentRow, analysis: ExperimentAnalysis, traceId: string, now: Date) {
  const experimentId = row.id;
  const live = analysis.arms.filter((a) => a.expectedWeight > 0);
  const seed = Math.floor(hashToUnit(`${experimentId}:${traceId}`) * 2 ** 32);
  const { weights, probabilityBest } = thompsonWeights(live.map((a) => ({ arm: a.arm, exposures: a.exposures, conversions: a.conversions })), {
    controlArm: analysis.controlArm,
    rng: mulberry32(seed),
    controlFloor: row.control_floor,
  });
  return deps.db.transaction().execute(async (trx) => {
    const experiment = (await lockExperiment(trx, experimentId))!;
    const before = armShares(experiment.arms);
    const result = await reallocate(trx, experiment, weights, now);
    const data = { before, after: result.weights, probabilityBest, movedDeliveries: result.moved };
    await appendAudit(trx, { traceId, actor: 'growth', channel: 'system', action: 'experiment.reallocated', subjectType: 'experiment', subjectId: experimentId, data, at: now });
    return data;
  });
}
