import type { Transaction } from 'kysely';
import { type ProposalOutcome, propose } from '../approvals/propose.js';
import { appendAudit } from '../audit/store.js';
import { downstreamOf } from '../campaign-runtime/keys.js';
import type { Database } from '../db/schema.js';
import type { Deps } from '../deps.js';
import { planForCampaign } from '../growth/plan-campaign.js';
import { launchParams } from './launch.js';
import { getCampaign, transition } from './store.js';

export class CampaignStateError extends Error {
  constructor(message: string) {
    super(message);
  }
}


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

/**
 * Pauses on every worker at once: the limiter refuses new sends from the next request on.
 * Postgres (the truth) is written first and Redis only inside its transaction, so a
 * refused write changes nothing, and a failed Redis call rolls the Postgres change back.
 * Holding the campaign row's lock while Redis is written orders this against a resume,
 * a start and the reconciler (which write the same flag under the same lock).
 */
export async function pauseCampaign(deps: Deps, id: string, reason: string, actor: string, traceId: string): Promise<boolean> {
  const now = deps.clock.now();
  // The state and its audit entry change together: nobody sees a pause without its reason on record.
  return committedThenCompensated(deps, id, liftUnlessStopped, async (trx) => {
    if (!(await transition(trx, id, ['running', 'scheduled'], 'paused', now, { status_reason: reason }))) return false;
    await appendAudit(trx, { traceId, actor, channel: 'system', action: 'campaign.paused', subjectType: 'campaign', subjectId: id, data: { reason }, at: now });
    await deps.runtime.pause(id);
    return true;
  });
}

/** A pause (or cancel) that did not commit: the flag it set is lifted unless Postgres stops the campaign anyway. */
const liftUnlessStopped = async (deps: Deps, status: string | undefined, id: string) => {
  if (status !== undefined && status !== 'paused' && status !== 'cancelled') await deps.runtime.resume(id);
};

/** Runs `change` in a transaction; if it wrote Redis but did not commit, `compensate` sees the status Postgres still holds. */
async function committedThenCompensated(
  deps: Deps,
  id: string,
  compensate: (deps: Deps, status: string | undefined, id: string) => Promise<void>,
  change: (trx: Transaction<Database>) => Promise<boolean>,
): Promise<boolean> {
  try {
    return await deps.db.transaction().execute(change);
  } catch (error) {
    const status = (await getCampaign(deps.db, id).catch(() => undefined))?.status;
    await compensate(deps, status, id).catch(() => {});
    throw error;
  }
}

/**
 * Resumes a paused campaign now (the caller has the right to: an operator, or the policy).
 * The flag is lifted inside the transaction, under the row's lock: a pause that commits after
 * this resume is written after it, never undone by it. Whoever resumes judged the downstream
 * ready: its circuit breaker's hold ends too, so the first send goes at once, as the probe.
 */
export async function resumeCampaign(deps: Deps, id: string, actor: string, traceId: string): Promise<boolean> {
  const now = deps.clock.now();
  return committedThenCompensated(
    deps,
    id,
    async (d, status) => {
      if (status === 'paused') await d.runtime.pause(id);
    },
    async (trx) => {
      if (!(await transition(trx, id, ['paused'], 'running', now, { status_reason: null }))) return false;
      await appendAudit(trx, { traceId, actor, channel: 'system', action: 'campaign.resumed', subjectType: 'campaign', subjectId: id, data: {}, at: now });
      const campaign = await getCampaign(trx, id);
      if (campaign) await deps.runtime.retryDownstream(downstreamOf(campaign.channel.url));
      await deps.runtime.resume(id);
      return true;
    },
  );
}

export async function cancelCampaign(deps: Deps, id: string, actor: string, traceId: string): Promise<boolean> {
  const now = deps.clock.now();
  const moved = await committedThenCompensated(deps, id, liftUnlessStopped, async (trx) => {
    if (!(await transition(trx, id, ['draft', 'pending_approval', 'scheduled', 'running', 'paused'], 'cancelled', now, { finished_at: now }))) return false;
    await appendAudit(trx, { traceId, actor, channel: 'system', action: 'campaign.cancelled', subjectType: 'campaign', subjectId: id, data: {}, at: now });
    await deps.runtime.pause(id);
    return true;
  });
  if (moved) await deps.runtime.markStopped(id);
  return moved;
}
