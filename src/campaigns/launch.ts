import type { Kysely, Transaction } from 'kysely';
import { batchJobId, deliveriesQueue } from '../../queues/deliveries.js';
import { campaignsQueue } from '../../queues/campaigns.js';
import { appendAudit } from '../audit/store.js';
import type { Database } from '../db/schema.js';
import type { Deps } from '../deps.js';
import { experimentOfCampaign } from '../growth/store.js';
import { enqueueMaterialise } from './materialise.js';
import { campaignContentHash } from './content-hash.js';
import { type CampaignRow, getCampaign, getCampaignAudience, outstandingBatches, transition } from './store.js';

/**
 * What a launch approval is bound to: any edit to these after approval voids it.
 * With an experiment, recipients get their arm's reward, and traffic may later shift
 * towards any arm: the budget is the dearest arm's reward for everyone, an upper bound.
 */
export async function launchParams(db: Kysely<Database> | Transaction<Database>, c: CampaignRow) {
  const experiment = await experimentOfCampaign(db, c.id);
  // A campaign of the version before 0016i has no kept hash: its row is hashed as it was then.
  const contentHash = c.content_hash ?? campaignContentHash({ ...c, audience: await getCampaignAudience(db, c.id) });
  const audienceSize = c.audience_size ?? 0;
  const arms = experiment?.arms.map(({ name, mechanism, amount, weight }) => ({ name, mechanism, amount, weight }));
  const perRecipient = arms ? Math.max(...arms.map((a) => a.amount)) : c.reward.amount;
  return {
    campaignId: c.id,
    name: c.name,
    audienceSize,
    budget: perRecipient * audienceSize,
    reward: c.reward,
    // Shown to approvers as a preview; the content hash binds it as well.
    template: c.template,
    ...(experiment && arms ? { experiment: { key: experiment.key, arms } } : {}),
    contentHash,
  };
}


/**
 * What allows a start. A campaign waiting for approval starts only under the approved
 * `campaign.launch` request for it, or the policy's own verdict to apply the launch;
 * a schedule only starts a campaign that was launched already (status `scheduled`).
 */
export type StartGrant = { by: 'approval'; approvalId: string } | { by: 'policy' } | { by: 'schedule' };

/** The grant an action handler holds: its approval, or the policy's direct verdict. */
export const grantOf = (context: { approvalId: string | null }): StartGrant =>
  context.approvalId ? { by: 'approval', approvalId: context.approvalId } : { by: 'policy' };

export class StartRefusedError extends Error {}

async function refusal(db: Kysely<Database>, campaign: CampaignRow, grant: StartGrant): Promise<string | null> {
  if (campaign.status === 'draft' || campaign.status === 'pending_approval') {
    if (grant.by === 'schedule') return `campaign is ${campaign.status}; a schedule starts only a launched campaign`;
  }
  if (campaign.status !== 'pending_approval' || grant.by === 'policy') return null;
  if (grant.by !== 'approval') return 'campaign is waiting for approval';
  const approval = await db
    .selectFrom('approval_requests')
    .select(['kind', 'status', 'payload'])
    .where('id', '=', grant.approvalId)
    .executeTakeFirst();
  if (approval?.kind !== 'campaign.launch' || approval.status !== 'approved' || approval.payload.campaignId !== campaign.id) {
    return `approval ${grant.approvalId} does not approve launching this campaign`;
  }
  return null;
}

/**
 * Starts a campaign now, or schedules its start, and queues the materialisation of
 * its recipients (materialise.ts), which queues one job per batch. The same path
 * whether the policy allowed the launch or a person approved it. Throws
 * StartRefusedError when `grant` does not allow it.
 */
export async function startCampaign(deps: Deps, campaignId: string, traceId: string, actor: string, grant: StartGrant): Promise<{ status: string; materialising?: boolean }> {
  const campaign = await getCampaign(deps.db, campaignId);
  if (!campaign) throw new Error(`no campaign ${campaignId}`);
  const now = deps.clock.now();
  const refused = await refusal(deps.db, campaign, grant);
  if (refused) {
    await appendAudit(deps.db, { traceId, actor, channel: 'system', action: 'campaign.start_refused', subjectType: 'campaign', subjectId: campaignId, data: { reason: refused, grant }, at: now });
    throw new StartRefusedError(refused);
  }
  if (campaign.start_at && new Date(campaign.start_at) > now && campaign.status !== 'scheduled') {
    await transition(deps.db, campaignId, ['pending_approval', 'draft'], 'scheduled', now);
    await deps.queues.enqueue(campaignsQueue, 'start', { campaignId, traceId }, { jobId: `start-${campaignId}`, delay: new Date(campaign.start_at).getTime() - now.getTime() });
    return { status: 'scheduled' };
  }
  const moved = await deps.db.transaction().execute(async (trx) => {
    if (!(await transition(trx, campaignId, ['pending_approval', 'draft', 'scheduled'], 'running', now, { launched_at: now, status_reason: null }))) return false;
    await appendAudit(trx, { traceId, actor, channel: 'system', action: 'campaign.started', subjectType: 'campaign', subjectId: campaignId, data: { audienceSize: campaign.audience_size }, at: now });
    // Slow start at the initial limit under the operator's cap, until the Ops controller's first step.
    await deps.runtime.start(campaignId, trx);
    return true;
  });
  if (!moved) return { status: (await getCampaign(deps.db, campaignId))!.status };
  // The recipients are written by a worker, a chunk at a time: this answers in milliseconds whatever the audience.
  await enqueueMaterialise(deps, campaignId, traceId);
  return { status: 'running', materialising: true };
}

/** Queues a job for every batch that still has deliveries to make; existing jobs are left alone. */
export async function enqueueOutstanding(deps: Deps, campaignId: string, traceId: string): Promise<number> {
  const campaign = await getCampaign(deps.db, campaignId);
  if (!campaign) return 0;
  const queue = deps.queues.get(deliveriesQueue.name);
  let added = 0;
  const batches = await outstandingBatches(deps.db, campaignId);
  for (let i = 0; i < batches.length; i += 500) {
    const chunk = batches.slice(i, i + 500);
    // One round trip's wait for the whole chunk, not one per batch (1,000 batches took 260 ms one by one).
    const found = await Promise.all(
      chunk.map(async (batchNo) => {
        const job = await queue.getJob(batchJobId(campaignId, batchNo));
        const state = job ? await job.getState() : null;
        // A finished job with deliveries still outstanding (its last attempt was lost mid-run) gets a fresh one.
        if (job && state !== 'completed' && state !== 'failed' && state !== 'unknown') return null;
        if (job) await job.remove().catch(() => {});
        return batchNo;
      }),
    );
    const missing = found.filter((batchNo): batchNo is number => batchNo !== null);
    // Attempts are counted per delivery (writeResults); the job's own attempts only bound
    // reruns, which a lost write can cost without any delivery being tried.
    await deps.queues.enqueueBulk(
      deliveriesQueue,
      missing.map((batchNo) => ({ name: 'batch', data: { campaignId, batchNo, traceId }, options: { jobId: batchJobId(campaignId, batchNo), attempts: campaign.max_attempts + 2 } })),
    );
    added += missing.length;
  }
  return added;
}
