import { randomUUID } from 'node:crypto';
import { appendAudit } from '../audit/store.js';
import { getCampaign } from '../campaigns/store.js';
import type { Deps } from '../deps.js';
import { DEFAULT_SLOTS, initialAllocation } from './assignment.js';
import type { ExperimentInput } from './experiment-input.js';
import { sampleSizePerArm } from './stats/sample-size.js';
import { type ExperimentRow, experimentOfCampaign, getExperiment, insertExperiment } from './store.js';

/** Why an experiment cannot be created: `status` is the HTTP status the API answers with. */
export class ExperimentError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

function minSampleOf(deps: Deps, input: ExperimentInput): number {
  if (input.minSamplePerArm !== undefined) return input.minSamplePerArm;
  if (!input.samplePlan) return deps.config.growth.minSamplePerArm;
  try {
    return sampleSizePerArm({ ...input.samplePlan, alpha: deps.config.growth.alpha, power: deps.config.growth.power }).perArm;
  } catch (error) {
    if (error instanceof RangeError) throw new ExperimentError(400, error.message, 'json.samplePlan.minDetectableEffect');
    throw error;
  }
}

/**
 * Attaches an experiment to a draft campaign. Arms are assigned when the
 * campaign launches, so a campaign that is already waiting for approval or
 * running cannot get one (the approvers saw it without).
 */
export async function createExperiment(deps: Deps, campaignId: string, input: ExperimentInput, by: string, traceId: string): Promise<ExperimentRow> {
  const campaign = await getCampaign(deps.db, campaignId);
  if (!campaign) throw new ExperimentError(404, `no campaign ${campaignId}`);
  if (campaign.status !== 'draft') throw new ExperimentError(409, `campaign is ${campaign.status}; only a draft campaign can get an experiment`);
  if (await experimentOfCampaign(deps.db, campaignId)) throw new ExperimentError(409, 'the campaign already has an experiment');
  const arms = [input.control, ...input.variants].map((a) => ({ name: a.name, mechanism: a.mechanism, amount: a.amount, weight: a.weight }));
  const allocation = initialAllocation(arms.map((a) => ({ arm: a.name, weight: a.weight })), DEFAULT_SLOTS, input.hash);
  const id = randomUUID();
  const key = input.key ?? `campaign-${campaignId}`;
  const now = deps.clock.now();
  const minSamplePerArm = minSampleOf(deps, input);
  const created = await deps.db.transaction().execute(async (trx) => {
    const inserted = await insertExperiment(trx, {
      id,
      campaignId,
      key,
      goalEvent: input.goalEvent,
      revenueEvent: input.revenueEvent,
      revenueProperty: input.revenueProperty,
      attributionWindowSec: input.attributionWindowSec,
      controlArm: input.control.name,
      arms,
      allocation,
      allocationMode: input.allocation.mode,
      controlFloor: input.allocation.mode === 'thompson' ? input.allocation.controlFloor : 0,
      minSamplePerArm,
      traceId,
      createdBy: by,
      at: now,
    });
    if (!inserted) return false;
    await appendAudit(trx, { traceId, actor: by, channel: 'api', action: 'experiment.created', subjectType: 'experiment', subjectId: id, data: { campaignId, key, arms, goalEvent: input.goalEvent, minSamplePerArm }, at: now });
    return true;
  });
  if (!created) {
    if (await experimentOfCampaign(deps.db, campaignId)) throw new ExperimentError(409, 'the campaign already has an experiment');
    throw new ExperimentError(409, `experiment key ${key} is already used`, 'json.key');
  }
  return (await getExperiment(deps.db, id))!;
}

/** An experiment as the API shows it. */
export function experimentView(e: ExperimentRow) {
  return {
    id: e.id,
    campaignId: e.campaign_id,
    key: e.key,
    goalEvent: e.goal_event,
    revenueEvent: e.revenue_event,
    revenueProperty: e.revenue_property,
    attributionWindowSec: e.attribution_window_sec,
    controlArm: e.control_arm,
    arms: e.arms,
    allocation: { mode: e.allocation_mode, ...(e.allocation_mode === 'thompson' ? { controlFloor: e.control_floor } : {}), version: e.allocation_version, hash: e.allocation.hash, segments: e.allocation.segments },
    minSamplePerArm: e.min_sample_per_arm,
    traceId: e.trace_id,
    createdBy: e.created_by,
    createdAt: new Date(e.created_at).toISOString(),
    updatedAt: new Date(e.updated_at).toISOString(),
  };
}
