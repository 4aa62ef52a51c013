import type { CampaignRow } from '../campaigns/store.js';
import type { Deps } from '../deps.js';
import { type CapacityEstimate, currentCapacity } from '../ops/capacity.js';
import { type CampaignPlan, planCampaign } from './planner.js';

export interface CampaignPlanView {
  campaignId: string;
  audienceSize: number;
  capacity: CapacityEstimate;
  /** config growth.campaignCapacityShare */
  campaignShare: number;
  plan: CampaignPlan;
}

/**
 * The send plan of a campaign before launch: its audience within the Ops
 * agent's current capacity estimate and headroom, and the share of capacity
 * campaigns may use. Too large for one wave: split; no budget now: delayed.
 */
export async function planForCampaign(deps: Deps, campaign: CampaignRow): Promise<CampaignPlanView> {
  const now = deps.clock.now();
  const capacity = await currentCapacity(deps.db, deps.config, now, new URL(campaign.channel.url).host);
  const { campaignCapacityShare, planning } = deps.config.growth;
  const audienceSize = campaign.audience_size ?? 0;
  const plan = planCampaign({
    audienceSize,
    capacityPerSec: capacity.capacityPerSec,
    headroom: capacity.headroom,
    currentLoadPerSec: capacity.currentLoadPerSec,
    campaignShare: campaignCapacityShare,
    maxBatch: campaign.channel.maxBatch,
    maxDurationSec: planning.maxWaveSec,
    waveGapSec: planning.waveGapSec,
    retryAfterSec: planning.retryAfterSec,
    now,
  });
  return { campaignId: campaign.id, audienceSize, capacity, campaignShare: campaignCapacityShare, plan };
}
