import { type ProposalOutcome, propose } from '../approvals/propose.js';
import { appendAudit } from '../audit/store.js';
import type { Deps } from '../deps.js';
import { planForCampaign } from '../growth/plan-campaign.js';
import { campaignKey, FleetLimiter } from '../ops/limiter/fleet-limiter.js';
import { launchParams, runningSetKey } from './launch.js';
import { getCampaign, transition } from './store.js';

export class CampaignStateError extends Error {
  constructor(message: string) {
    super(message);
  }
}

const limiter = (deps: Deps) => new FleetLimiter(deps.redis, deps.queues.prefix);

/** Asks the policy to launch a draft: it starts now, waits for approval, or is refused (back to draft). */
export async function requestLaunch(deps: Deps, id: string, by: { proposer: string; requester: string; requesterPerson?: string }, traceId: string): Promise<ProposalOutcome> {
  const campaign = await getCampaign(deps.db, id);
  if (!campaign) throw new CampaignStateError(`no campaign ${id}`);
  if (!(await transition(deps.db, id, ['draft'], 'pending_approval', deps.clock.now()))) {
    throw new CampaignStateError(`campaign is ${campaign.status}; only a draft can be launched`);
  }
  // The send plan is shown to approvers with the request; launch-action.ts carries it over unchanged, so it does not bind the approval.
  const params = { ...(await launchParams(deps.db, campaign)), plan: await planForCampaign(deps, campaign) };
  const outcome = await propose(deps, {
    kind: 'campaign.launch',
    proposer: by.proposer,
    requester: by.requester,
    requesterPerson: by.requesterPerson,
    params,
    traceId,
    summary: `Launch "${campaign.name}" to ${params.audienceSize.toLocaleString('en-US')} users`,
    idempotencyKey: `launch:${id}:${params.contentHash}`,
  });
  if (outcome.outcome === 'refused') await transition(deps.db, id, ['pending_approval'], 'draft', deps.clock.now(), { status_reason: outcome.reason });
  if (outcome.outcome === 'approval_requested') {
    await deps.db.updateTable('campaigns').set({ approval_id: outcome.request.id }).where('id', '=', id).execute();
  }
  return outcome;
}

/** Pauses on every worker at once: the limiter refuses new sends from the next request on. */
export async function pauseCampaign(deps: Deps, id: string, reason: string, actor: string, traceId: string): Promise<boolean> {
  const now = deps.clock.now();
  await limiter(deps).pause(campaignKey(id));
  // The state and its audit entry change together: nobody sees a pause without its reason on record.
  const moved = await deps.db.transaction().execute(async (trx) => {
    if (!(await transition(trx, id, ['running', 'scheduled'], 'paused', now, { status_reason: reason }))) return false;
    await appendAudit(trx, { traceId, actor, channel: 'system', action: 'campaign.paused', subjectType: 'campaign', subjectId: id, data: { reason }, at: now });
    return true;
  });
  if (!moved) {
    const campaign = await getCampaign(deps.db, id);
    if (campaign?.status !== 'paused') await limiter(deps).resume(campaignKey(id));
  }
  return moved;
}

/** Resumes a paused campaign now (the caller has the right to: an operator, or the policy). */
export async function resumeCampaign(deps: Deps, id: string, actor: string, traceId: string): Promise<boolean> {
  const now = deps.clock.now();
  const moved = await deps.db.transaction().execute(async (trx) => {
    if (!(await transition(trx, id, ['paused'], 'running', now, { status_reason: null }))) return false;
    await appendAudit(trx, { traceId, actor, channel: 'system', action: 'campaign.resumed', subjectType: 'campaign', subjectId: id, data: {}, at: now });
    return true;
  });
  if (!moved) return false;
  await limiter(deps).resume(campaignKey(id));
  await deps.redis.sadd(runningSetKey(deps), id);
  return true;
}

export async function cancelCampaign(deps: Deps, id: string, actor: string, traceId: string): Promise<boolean> {
  const now = deps.clock.now();
  await limiter(deps).pause(campaignKey(id));
  const moved = await deps.db.transaction().execute(async (trx) => {
    if (!(await transition(trx, id, ['draft', 'pending_approval', 'scheduled', 'running', 'paused'], 'cancelled', now, { finished_at: now }))) return false;
    await appendAudit(trx, { traceId, actor, channel: 'system', action: 'campaign.cancelled', subjectType: 'campaign', subjectId: id, data: {}, at: now });
    return true;
  });
  if (moved) await deps.redis.srem(runningSetKey(deps), id);
  return moved;
}
