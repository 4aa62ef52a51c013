import type { ActionHandler } from '../actions/registry.js';
import { resumeCampaign } from './control.js';
import { getCampaign } from './store.js';

/** `campaign.resume`: resuming a campaign the Ops agent paused goes through the policy (approval by default). */
export const campaignResumeAction: ActionHandler = {
  kind: 'campaign.resume',
  async currentParams(deps, payload) {
    const campaign = await getCampaign(deps.db, String(payload.campaignId));
    return { campaignId: payload.campaignId, pausedReason: campaign?.status === 'paused' ? campaign.status_reason : null };
  },
  async apply(deps, params, context) {
    // A resume a person approved is theirs, not the proposer's (the Ops agent's).
    const actor = context.approvedBy?.length ? context.approvedBy.join(', ') : context.actor;
    return { resumed: await resumeCampaign(deps, String(params.campaignId), actor, context.traceId) };
  },
};
