import { sql } from 'kysely';
import { batchJobId, deliveriesQueue } from '../../queues/deliveries.js';
import { campaignsQueue } from '../../queues/campaigns.js';
import { appendAudit } from '../audit/store.js';
import type { Deps } from '../deps.js';
import { assignExperimentArms } from '../growth/materialise.js';
import { audienceQuery } from './audience.js';
import { completeIfDone } from './complete.js';
import type { Audience } from './input.js';
import { getCampaign, getCampaignAudience } from './store.js';

export const materialiseJobId = (campaignId: string) => `materialise-${campaignId}`;

/**
 * The per-recipient extra variables of the listed users in `ids`, kept with each delivery; the
 * recipient's own fields (`user.name`, …) are read at sending (store.ts) and win over them.
 */
function listVariables(audience: Audience & { type: 'list' }, ids: readonly string[]): Record<string, Record<string, string>> {
  const all = audience.variables;
  if (!all) return {};
  const out: Record<string, Record<string, string>> = {};
  for (const id of ids) if (all[id]) out[id] = all[id];
  return out;
}

/**
 * A list audience's ids, each once, in Postgres's order of user ids (the chunks' keyset order):
 * each chunk takes the next slice of them, so a statement carries a chunk's ids and variables
 * rather than the whole list (up to 200,000 ids and their variables, parsed again in every chunk).
 */
async function listedInOrder(deps: Deps, audience: Audience & { type: 'list' }): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`select distinct id from unnest(${audience.userIds}::text[]) as id order by id`.execute(deps.db);
  return rows.map((r) => r.id);
}

/** Queues the launch's materialisation unless a live job for it exists already. */
export async function enqueueMaterialise(deps: Deps, campaignId: string, traceId: string): Promise<boolean> {
  const queue = deps.queues.get(campaignsQueue.name);
  const existing = await queue.getJob(materialiseJobId(campaignId));
  if (existing) {
    const state = await existing.getState();
    if (state !== 'completed' && state !== 'failed' && state !== 'unknown') return false;
    await existing.remove().catch(() => {});
  }
  await deps.queues.enqueue(campaignsQueue, 'materialise', { campaignId, traceId }, { jobId: materialiseJobId(campaignId) });
  return true;
}

/**
 * Writes a launched campaign's delivery rows in chunks, in keyset order of user id:
 * each chunk is one transaction that inserts its rows, gives them their experiment
 * arm and advances the cursor, then its batches are queued. The cursor moves with
 * the rows under the campaign row's lock, so a chunk's users have no row yet: a plain
 * insert (the unique key still guards it; ON CONFLICT's speculative insertion cost a
 * quarter of the insert). Memory stays bounded (Postgres does the work); a crash resumes at the
 * last committed cursor; running it twice changes nothing. Chunks hold whole
 * batches, so a batch job never starts before all its rows are in.
 */
export async function materialise(deps: Deps, campaignId: string, traceId: string, progress?: (p: { recipients: number }) => Promise<void>): Promise<{ recipients: number; chunks: number }> {
  const first = await getCampaign(deps.db, campaignId);
  if (!first || first.materialised_at) return { recipients: first?.materialised_count ?? 0, chunks: 0 };
  const { maxBatch } = first.channel;
  const { materialiseChunk, jobRecipients } = deps.config.campaigns;
  const chunk = Math.max(1, Math.round(materialiseChunk / maxBatch)) * maxBatch;
  // A full chunk (a large audience) is queued in jobs of several maxBatch's worth: what a job costs
  // whatever its size (its read, its queue round trips, its last flush) is spread over more
  // recipients. A smaller chunk keeps jobs of maxBatch, so a small campaign is spread over as many
  // jobs, and their senders, as before.
  const bigJob = Math.min(chunk, Math.max(1, Math.floor(jobRecipients / maxBatch)) * maxBatch);
  const audience = (await getCampaignAudience(deps.db, campaignId))!;
  const listed = audience.type === 'list' ? await listedInOrder(deps, audience) : null;
  const reward = JSON.stringify(first.reward);
  let chunks = 0;
  for (;;) {
    const step = await deps.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('campaigns')
        .select(['status', 'materialised_count', 'materialised_cursor', 'materialised_batches', 'materialised_at'])
        .where('id', '=', campaignId)
        .forUpdate()
        .executeTakeFirstOrThrow();
      if (row.materialised_at || ['cancelled', 'completed', 'failed'].includes(row.status)) return null;
      const now = deps.clock.now();
      // A list: the next slice of its ids after the cursor (a slice's last id, or a user written before).
      // A cursor the list does not hold (never written so) takes the whole list after it, as a segment.
      const at = listed && row.materialised_cursor !== null ? listed.indexOf(row.materialised_cursor) : -1;
      const from = at + 1;
      const slice = listed && (row.materialised_cursor === null || at >= 0) ? listed.slice(from, from + chunk) : undefined;
      const variables = JSON.stringify(audience.type !== 'list' ? {} : slice ? listVariables(audience, slice) : (audience.variables ?? {}));
      let page = audienceQuery(trx, slice ? { type: 'list', userIds: slice } : audience)
        .orderBy('users.id')
        .limit(chunk);
      if (row.materialised_cursor !== null) page = page.where('users.id', '>', row.materialised_cursor);
      const done = await sql<{ selected: number; last: string | null; nextBatch: number }>`
        with recipients as (
          select a."userId",
                 ${row.materialised_batches}::int
                   + (row_number() over (order by a."userId") - 1) / (case when count(*) over () = ${chunk}::int then ${bigJob}::int else ${maxBatch}::int end) as batch_no
          from ${page.as('a')}
        ), added as (
          insert into deliveries (campaign_id, user_id, batch_no, status, variables, reward, updated_at)
          select ${campaignId}, r."userId", r.batch_no, 'pending',
                 coalesce(${variables}::jsonb -> r."userId", '{}'::jsonb),
                 ${reward}::jsonb, ${now}
          from recipients r
          returning 1
        ), counted as (
          insert into campaign_delivery_counts as k (campaign_id, pending)
          select ${campaignId}, count(*) from added
          on conflict (campaign_id) do update set pending = k.pending + excluded.pending
        ) select (select count(*)::int from recipients) as selected, (select max("userId") from recipients) as last,
                   (select coalesce(max(batch_no) + 1, ${row.materialised_batches}::int)::int from recipients) as "nextBatch", (select count(*) from added) as added`.execute(trx);
      const { selected, last, nextBatch } = done.rows[0]!;
      // A campaign with an experiment: each recipient of this chunk gets its arm and that arm's reward.
      if (last !== null) await assignExperimentArms(trx, campaignId, { after: row.materialised_cursor, through: last });
      const count = row.materialised_count + selected;
      // A list's slice may hold ids that are no user (any more): it is done at the end of the list.
      const finished = listed && slice ? from + slice.length >= listed.length : selected < chunk;
      const cursor = slice?.length ? slice[slice.length - 1]! : (last ?? row.materialised_cursor);
      const batches = { from: row.materialised_batches, to: nextBatch };
      await trx
        .updateTable('campaigns')
        .set({
          materialised_count: count,
          materialised_cursor: cursor,
          materialised_batches: batches.to,
          ...(finished ? { materialised_at: now, audience_size: count } : {}),
        })
        .where('id', '=', campaignId)
        .execute();
      if (finished) {
        await appendAudit(trx, { traceId, actor: 'flywheel', channel: 'system', action: 'campaign.materialised', subjectType: 'campaign', subjectId: campaignId, data: { recipients: count }, at: now });
      }
      return { batches, count, finished };
    });
    if (!step) break;
    chunks++;
    const batches: number[] = [];
    for (let b = step.batches.from; b < step.batches.to; b++) batches.push(b);
    // Job ids are the batch's: queueing a batch again (a resumed chunk) adds nothing.
    // Attempts are counted per delivery (writeResults); the job's own attempts only bound
    // reruns, which a lost write can cost without any delivery being tried.
    await deps.queues.enqueueBulk(
      deliveriesQueue,
      batches.map((batchNo) => ({ name: 'batch', data: { campaignId, batchNo, traceId }, options: { jobId: batchJobId(campaignId, batchNo), attempts: first.max_attempts + 2 } })),
    );
    await progress?.({ recipients: step.count });
    if (step.finished) {
      // An audience that shrank to nobody, or whose batches all finished meanwhile: done now.
      await completeIfDone(deps, campaignId, traceId);
      return { recipients: step.count, chunks };
    }
  }
  const row = await getCampaign(deps.db, campaignId);
  return { recipients: row?.materialised_count ?? 0, chunks };
}
