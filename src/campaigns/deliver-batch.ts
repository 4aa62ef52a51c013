import type { Deps } from '../deps.js';
import { createHash } from 'node:crypto';
import { downstreamOf } from '../campaign-runtime/keys.js';
import { sendToDownstream } from '../downstream/send.js';
import { completeIfDone } from './complete.js';
import { type DeliveryRow, batchDeliveries, getCampaign, markDelivered, markFailed } from './store.js';
import { renderTemplate } from './template.js';

export type BatchOutcome =
  | { outcome: 'done'; delivered: number; failed: number; remaining: number }
  | { outcome: 'paused' }
  | { outcome: 'skipped'; status: string };

export class DeliveriesWillRetryError extends Error {
  override name = 'DeliveriesWillRetryError';
}

/** Requests of one batch job run this many at a time; the fleet limiter decides how many run at all. */
const SENDERS_PER_JOB = 8;

/**
 * Delivers what is still outstanding in one batch. Every request first takes a
 * lease from the fleet limiter (campaign and downstream), so limits and pauses
 * apply across all workers; each result is written to Postgres at once.
 */
export async function deliverBatch(
  deps: Deps,
  job: { campaignId: string; batchNo: number; traceId: string; finalAttempt: boolean; stopping?: AbortSignal },
): Promise<BatchOutcome> {
  const campaign = await getCampaign(deps.db, job.campaignId);
  if (!campaign) return { outcome: 'skipped', status: 'missing' };
  if (campaign.status === 'paused' || campaign.status === 'scheduled') return { outcome: 'paused' };
  if (campaign.status !== 'running') return { outcome: 'skipped', status: campaign.status };

  const runtime = deps.runtime;
  const host = downstreamOf(campaign.channel.url);
  const pending = await batchDeliveries(deps.db, campaign.id, job.batchNo);
  const limits = await runtime.limits(campaign.id);
  const perRequest = campaign.channel.mode === 'batch' ? Math.max(1, Math.min(campaign.channel.maxBatch, limits.batchSize ?? campaign.channel.maxBatch)) : 1;
  const groups: DeliveryRow[][] = [];
  for (let i = 0; i < pending.length; i += perRequest) groups.push(pending.slice(i, i + perRequest));

  let delivered = 0;
  let failed = 0;
  /** Recipients of groups that got no lease (waited too long): still outstanding. */
  let unsent = 0;
  let paused = false;
  const sendGroup = async (group: DeliveryRow[]) => {
    // A lease outlives the request's timeout by a second: a killed worker's leases lapse that soon.
    const lease = await runtime.acquire(campaign.id, host, 1, campaign.channel.timeoutMs + 1000, { maxWaitMs: 30_000, ...(job.stopping ? { signal: job.stopping } : {}) });
    if (!lease.ok) {
      // A worker shutting down gives the rest of its batch back rather than wait out its deadline.
      if (lease.reason === 'paused' || job.stopping?.aborted) paused = true;
      unsent += group.length;
      return;
    }
    let released = false;
    const release = async () => {
      if (released) return;
      released = true;
      await runtime.release(campaign.id, lease.leases.ids);
    };
    try {
      const messages = group.map((d) => ({
        userId: d.user_id,
        idempotencyKey: `${campaign.id}:${d.user_id}`,
        text: renderTemplate(campaign.template, { ...d.variables, 'campaign.name': campaign.name, 'reward.mechanism': d.reward.mechanism, 'reward.amount': String(d.reward.amount) }),
        reward: d.reward,
        arm: d.arm,
      }));
      const result = await sendToDownstream(campaign.channel, campaign.channel_secret, {
        campaignId: campaign.id,
        idempotencyKey: perRequest === 1 ? messages[0]!.idempotencyKey : batchKey(campaign.id, group),
        body: perRequest === 1 ? { campaignId: campaign.id, ...messages[0] } : { campaignId: campaign.id, messages },
      });
      const at = deps.clock.now();
      // The request is over: its slot goes back before any write, so the controller's rate sees only the downstream's time.
      await release();
      // Published at once: the Ops controller steps on what it sees within its next window.
      await runtime.recordSamples(campaign.id, [{
        at: at.getTime(),
        latencyMs: result.latencyMs,
        ok: result.ok,
        ...(result.status === null ? {} : { status: result.status }),
        ...(result.retryAfterSec === null ? {} : { retryAfterMs: result.retryAfterSec * 1000 }),
        ...(group.length > 1 ? { messages: group.length } : {}),
      }]);
      const ids = group.map((d) => d.id);
      if (result.ok) {
        await markDelivered(deps.db, ids, { httpStatus: result.status!, latencyMs: result.latencyMs, at });
        delivered += ids.length;
      } else {
        if (result.retryAfterSec !== null) await runtime.blockDownstream(host, result.retryAfterSec * 1000);
        await markFailed(deps.db, ids, { httpStatus: result.status, latencyMs: result.latencyMs, error: result.error ?? 'failed', final: job.finalAttempt, at });
        failed += ids.length;
      }
    } finally {
      await release();
    }
  };

  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(SENDERS_PER_JOB, groups.length) }, async () => {
      while (!paused && next < groups.length) await sendGroup(groups[next++]!);
    }),
  );
  if (paused) return { outcome: 'paused' };
  // Every row this job read was marked delivered (rows are never added to a batch after launch):
  // nothing to re-read. Otherwise Postgres says what is left.
  const remaining = failed === 0 && unsent === 0 ? 0 : (await batchDeliveries(deps.db, campaign.id, job.batchNo)).length;
  if (remaining > 0) throw new DeliveriesWillRetryError(`${remaining} deliveries of batch ${job.batchNo} failed and will be retried`);
  // completeIfDone counts every delivery of the campaign; one index probe first keeps that to the
  // last batches instead of every batch (with 1,000 batches of 100 that count was most of the work).
  if (!(await hasOutstanding(deps, campaign.id))) await completeIfDone(deps, campaign.id, job.traceId);
  return { outcome: 'done', delivered, failed, remaining };
}

/** Whether any delivery of the campaign is still pending or to retry: one probe of the outstanding index. */
async function hasOutstanding(deps: Deps, campaignId: string): Promise<boolean> {
  const row = await deps.db
    .selectFrom('deliveries')
    .select('id')
    .where('campaign_id', '=', campaignId)
    .where('status', 'in', ['pending', 'retry'])
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * A batch request's idempotency key names the recipients it carries, whatever their
 * grouping: the same recipients resent give the same key, and each message keeps its own.
 */
export function batchKey(campaignId: string, group: readonly { user_id: string }[]): string {
  const hash = createHash('sha256');
  for (const userId of group.map((d) => d.user_id).sort()) hash.update(userId).update('\n');
  return `${campaignId}:m${hash.digest('hex').slice(0, 32)}`;
}
