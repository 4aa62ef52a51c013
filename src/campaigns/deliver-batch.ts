import { createHash } from 'node:crypto';
import { downstreamFailed } from '../campaign-runtime/downstream-breaker.js';
import type { Sample } from '../campaign-runtime/samples.js';
import { downstreamOf } from '../campaign-runtime/keys.js';
import type { Deps } from '../deps.js';
import { completeIfDone } from './complete.js';
import { BatchResults } from './result-writer.js';
import { type DeliveryRow, batchDeliveries, batchWork, deliveryVariable, hasOutstanding } from './store.js';
import { templateRenderer } from './template.js';

export type BatchOutcome =
  | { outcome: 'done'; delivered: number; failed: number; remaining: number }
  /** Nothing more goes out now (paused, shutting down, the downstream holds us back): look again soon, no attempt used. */
  | { outcome: 'paused' }
  | { outcome: 'skipped'; status: string };

export class DeliveriesWillRetryError extends Error {
  override name = 'DeliveriesWillRetryError';
}

/**
 * Delivers what is still outstanding in one batch. Requests take leases from the
 * fleet limiter (so limits and pauses apply across all workers), through the lease
 * pool every batch of the campaign in this process shares; a lease goes back as soon
 * as its answer is in, before anything is written. Results and samples are written
 * in groups with those of the campaign's other batches here, every one of them before
 * the job completes. A failed write stops every sender of the batch, then fails the
 * job: what was in flight is all that can be sent twice.
 */
export async function deliverBatch(deps: Deps, job: { campaignId: string; batchNo: number; traceId: string; stopping?: AbortSignal }): Promise<BatchOutcome> {
  const { runtime } = deps;
  // The campaign with its batch's rows (one statement), and the live limits at the same time.
  const [work, limits] = await Promise.all([batchWork(deps.db, job.campaignId, job.batchNo), runtime.limits(job.campaignId)]);
  if (!work) return { outcome: 'skipped', status: 'missing' };
  const { campaign, pending } = work;
  if (campaign.status === 'paused' || campaign.status === 'scheduled') return { outcome: 'paused' };
  if (campaign.status !== 'running') return { outcome: 'skipped', status: campaign.status };

  const host = downstreamOf(campaign.channel.url);
  // One meaning of batch size: recipients per request, the channel's maxBatch unless an operator capped it lower.
  // The cap is read from Postgres too: Redis may have lost the limits hash (fail closed, never "no cap").
  const { maxBatch } = campaign.channel;
  const perRequest = campaign.channel.mode === 'batch' ? Math.max(1, Math.min(maxBatch, limits.batchSize ?? maxBatch, campaign.limits_cap.batchSize ?? maxBatch)) : 1;
  const groups: DeliveryRow[][] = [];
  for (let i = 0; i < pending.length; i += perRequest) groups.push(pending.slice(i, i + perRequest));

  const render = templateRenderer(campaign.template);
  // A lease outlives the request (its timeout, firing late) by a second: a killed worker's leases lapse that soon.
  const leases = runtime.joinPool(campaign.id, host, campaign.channel.timeoutMs);
  const writer = new BatchResults(deps, campaign.id, host, campaign.max_attempts);
  let stop: 'paused' | 'held' | null = null;
  // A sender that throws (a Redis write refused) stops the others too: the job fails only once none is sending.
  let thrown = null as { error: unknown } | null;
  let delivered = 0;
  let failed = 0;

  const sendGroup = async (group: DeliveryRow[]) => {
    const lease = await leases.take(job.stopping);
    if (typeof lease !== 'string') {
      stop ??= lease.stop;
      return;
    }
    if (writer.failed || stop || thrown) {
      leases.give(lease);
      return;
    }
    const key = (d: DeliveryRow) => `${campaign.id}:${d.user_id}`;
    const message = (d: DeliveryRow) => ({
      userId: d.user_id,
      idempotencyKey: key(d),
      text: render((name) => deliveryVariable(d, campaign.name, name)),
      reward: d.reward,
      arm: d.arm,
    });
    const result = await deps.downstream.request(
      campaign.channel,
      campaign.channel_secret,
      perRequest === 1
        ? { campaignId: campaign.id, idempotencyKey: key(group[0]!), body: { campaignId: campaign.id, ...message(group[0]!) } }
        : { campaignId: campaign.id, idempotencyKey: batchKey(campaign.id, group), body: { campaignId: campaign.id, messages: group.map(message) } },
    );
    // The lease goes back (a request abandoned unanswered may still be running at the downstream:
    // its slot stays taken a while longer), and the downstream's circuit breaker learns how it went:
    // enough failures in a row hold every worker's sends to it (the next acquire says so).
    await leases.answered(lease, { failed: downstreamFailed(result.status), inDoubt: result.inDoubt });
    const at = deps.clock.now();
    const sample: Sample = { at: at.getTime(), latencyMs: result.latencyMs, ok: result.ok };
    if (result.status !== null) sample.status = result.status;
    if (result.retryAfterSec !== null) sample.retryAfterMs = result.retryAfterSec * 1000;
    if (group.length > 1) sample.messages = group.length;
    const error = result.ok ? null : (result.error ?? 'failed');
    writer.add(
      group.map((d) => ({ id: d.id, ok: result.ok, httpStatus: result.status, latencyMs: result.latencyMs, error, at })),
      sample,
    );
    if (result.ok) delivered += group.length;
    else failed += group.length;
    // After the result is queued: a refused hold fails the job, and the attempt it made still counts.
    if (result.retryAfterSec !== null) await runtime.blockDownstream(host, result.retryAfterSec * 1000);
  };

  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: Math.min(deps.config.campaigns.sendersPerJob, groups.length) }, async () => {
        try {
          while (!stop && !writer.failed && !thrown && next < groups.length) await sendGroup(groups[next++]!);
        } catch (error) {
          thrown ??= { error };
        }
      }),
    );
  } finally {
    await runtime.leavePool(leases);
  }
  // Every sender has stopped: now a failed write fails the job (its retry resends only what Postgres still lacks).
  await writer.close();
  if (thrown) throw thrown.error;
  if (stop) return { outcome: 'paused' };
  // Every row this job read was marked delivered (rows are never added to a batch after launch):
  // nothing to re-read. Otherwise Postgres says what is left.
  const remaining = failed === 0 ? 0 : (await batchDeliveries(deps.db, campaign.id, job.batchNo)).length;
  if (remaining > 0) throw new DeliveriesWillRetryError(`${remaining} deliveries of batch ${job.batchNo} failed and will be retried`);
  // completeIfDone counts every delivery of the campaign: only once nothing is outstanding, as the
  // statement that wrote this batch's last results says (or, when it wrote none, one index probe).
  const outstanding = writer.outstanding ?? ((await hasOutstanding(deps.db, campaign.id)) ? 1 : 0);
  if (outstanding === 0) await completeIfDone(deps, campaign.id, job.traceId);
  return { outcome: 'done', delivered, failed, remaining };
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
