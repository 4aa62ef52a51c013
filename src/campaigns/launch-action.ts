import type { ActionHandler } from '../actions/registry.js';
import { appendAudit } from '../audit/store.js';
import { grantOf, launchParams, startCampaign } from './launch.js';
import { getCampaign, transition } from './store.js';

const campaignIdOf = (payload: Record<string, unknown>) => String(payload.campaignId);

/**
 * `campaign.launch`: the approval binds to the campaign's launch parameters as
 * they are when it is applied, so editing the campaign after approval voids it.
 */
export const campaignLaunchAction: ActionHandler = {
  kind: 'campaign.launch',
  // A launch rejected or expired goes back to draft and may be proposed again.
  renewAfterRefusal: true,
  async currentParams(deps, payload) {
    const campaign = await getCampaign(deps.db, campaignIdOf(payload));
    if (!campaign) return { campaignId: campaignIdOf(payload), missing: true };
    // The send plan in the request is for display (it depends on the capacity at request time): carried over as approved.
    const params = await launchParams(deps.db, campaign);
    return payload.plan === undefined ? params : { ...params, plan: payload.plan };
  },
  async apply(deps, params, context) {
    const id = campaignIdOf(params);
    if (context.approvalId) await deps.db.updateTable('campaigns').set({ approval_id: context.approvalId }).where('id', '=', id).execute();
    return startCampaign(deps, id, context.traceId, context.actor, grantOf(context));
  },
  async onResolved(deps, payload, outcome, context) {
    const now = deps.clock.now();
    const id = campaignIdOf(payload);
    if (await transition(deps.db, id, ['pending_approval'], 'draft', now, { status_reason: `launch ${outcome}` })) {
      await appendAudit(deps.db, { traceId: context.traceId, actor: 'flywheel', channel: 'system', action: 'campaign.launch_not_approved', subjectType: 'campaign', subjectId: id, data: { outcome }, at: now });
    }
  },
};
