import { type Kysely, sql } from 'kysely';
import { z } from 'zod';
import type { Database, DeliveryStatus } from '../db/schema.js';
import { deliverySummaryCounts } from './delivery-summary.js';
import { RATE_WINDOW_MS, type RateSubject, rateAndEta, rateWindow } from './rate-eta.js';
import { CAMPAIGN_COLUMNS, type CampaignRow, getCampaign } from './store.js';

/** A campaign as the API shows it: never its signature secret. */
export function campaignView(c: CampaignRow) {
  const iso = (v: Date | string | null) => (v ? new Date(v).toISOString() : null);
  return {
    id: c.id,
    name: c.name,
    status: c.status,
    statusReason: c.status_reason,
    // A list's ids counted, its per-recipient variables (personal links) never shown: audienceSummarySql.
    audience: c.audience_summary,
    audienceSize: c.audience_size,
    /** Recipients written by the launch's materialisation so far; `done` once all are in. */
    materialisation: { recipients: c.materialised_count, done: c.materialised_at !== null },
    template: c.template,
    reward: c.reward,
    channel: { ...c.channel, secret: '[redacted]' },
    startAt: iso(c.start_at),
    maxAttempts: c.max_attempts,
    approvalId: c.approval_id,
    traceId: c.trace_id,
    createdBy: c.created_by,
    createdAt: iso(c.created_at)!,
    launchedAt: iso(c.launched_at),
    finishedAt: iso(c.finished_at),
  };
}

/** The fields of a campaign row the send rate depends on. */
export function rateSubject(c: Pick<CampaignRow, 'status' | 'launched_at' | 'updated_at' | 'finished_at'>): RateSubject {
  const date = (v: Date | string | null) => (v ? new Date(v) : null);
  // A campaign row changes `updated_at` only on a status change, so while running it is when it last started sending.
  return { status: c.status, launchedAt: date(c.launched_at), runningSince: c.status === 'running' ? date(c.updated_at) : null, finishedAt: date(c.finished_at) };
}

export type CampaignProgress = ReturnType<typeof progressOf>;

function progressOf(subject: RateSubject, window: { from: Date; to: Date } | null, counts: Record<DeliveryStatus, number>, recent: number) {
  const remaining = counts.pending + counts.retry;
  return {
    delivered: counts.delivered,
    failed: counts.dead,
    retrying: counts.retry,
    remaining,
    total: counts.pending + counts.retry + counts.delivered + counts.dead,
    ...rateAndEta(subject, window, recent, remaining),
  };
}

/**
 * Delivered / failed / remaining, the send rate over the time actually elapsed
 * in the last minute (see rateWindow) and the ETA at that rate.
 */
export async function campaignProgress(db: Kysely<Database>, campaignId: string, now: Date, row?: CampaignRow): Promise<CampaignProgress> {
  const campaign = row ?? (await getCampaign(db, campaignId));
  if (!campaign) return progressOf({ status: 'draft', launchedAt: null, runningSince: null, finishedAt: null }, null, { ...NO_DELIVERIES }, 0);
  return (await campaignsProgress(db, [campaign], now)).get(campaign.id)!;
}

const NO_DELIVERIES: Record<DeliveryStatus, number> = { pending: 0, retry: 0, delivered: 0, dead: 0 };

const count = z.number().int().min(0);
const countsSchema = z.strictObject({ pending: count, retry: count, delivered: count, dead: count });
const progressColumnsSchema = z.strictObject({
  summary: countsSchema.extend({ recent: count }).nullable(),
  counts: countsSchema.nullable(),
  seconds: z.array(z.tuple([z.number().int(), count])),
});

/**
 * A campaign and its progress in one statement: the API's progress read, polled while a campaign
 * runs. On a busy machine every round trip costs wake-ups of the web process and of a Postgres
 * backend, milliseconds each at the tail: the row read and then three queries at once had a p99 of
 * 27-134 ms at 1,000,000 recipients. With the row come its retention summary's counts, its kept
 * counts, and its deliveries per second over the longest span a rate window can cover (the last
 * RATE_WINDOW_MS up to the end of sending, at most 61 rows); rateWindow then picks the exact window
 * from the row, as campaignsProgress does. A campaign with neither a summary nor a counts row has
 * its rows counted by campaignsProgress (a second round trip). Undefined when there is no campaign.
 */
export async function campaignWithProgress(db: Kysely<Database>, id: string, now: Date): Promise<{ campaign: CampaignRow; progress: CampaignProgress } | undefined> {
  const lastSecond = sql`floor(extract(epoch from least(c.finished_at, ${now}::timestamptz)))::bigint`;
  const row = await db
    .selectFrom('campaigns as c')
    .select(CAMPAIGN_COLUMNS)
    .select([
      sql<unknown>`(select json_build_object('pending', s.pending, 'retry', s.retry, 'delivered', s.delivered, 'dead', s.dead, 'recent', s.recent_delivered)
                    from delivery_summaries s where s.campaign_id = c.id)`.as('progress_summary'),
      sql<unknown>`(select json_build_object('pending', k.pending, 'retry', k.retry, 'delivered', k.delivered, 'dead', k.dead)
                    from campaign_delivery_counts k where k.campaign_id = c.id)`.as('progress_counts'),
      sql<unknown>`(select coalesce(json_agg(json_build_array(d.second, d.n)), '[]'::json) from campaign_delivered_seconds d
                    where d.campaign_id = c.id and d.second between ${lastSecond} - ${Math.ceil(RATE_WINDOW_MS / 1000) + 1} and ${lastSecond})`.as('progress_seconds'),
    ])
    .where('c.id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  const { progress_summary, progress_counts, progress_seconds, ...campaign } = row;
  const { summary, counts, seconds } = progressColumnsSchema.parse({ summary: progress_summary, counts: progress_counts, seconds: progress_seconds });
  const subject = rateSubject(campaign);
  const window = rateWindow(subject, now);
  if (summary) return { campaign, progress: progressOf(subject, window, summary, window ? summary.recent : 0) };
  if (!counts) return { campaign, progress: (await campaignsProgress(db, [campaign], now)).get(id)! };
  return { campaign, progress: progressOf(subject, window, counts, window ? deliveredWithin(seconds, window) : 0) };
}

/** The sum of per-second deliveries inside the window (its seconds, both ends included, as campaignsProgress sums them). */
function deliveredWithin(seconds: readonly (readonly [number, number])[], window: { from: Date; to: Date }): number {
  const from = Math.floor(window.from.getTime() / 1000);
  const to = Math.floor(window.to.getTime() / 1000);
  return seconds.reduce((sum, [second, n]) => (second >= from && second <= to ? sum + n : sum), 0);
}

/**
 * The progress of many campaigns (a list page) in a few queries whatever their
 * number: their retention summaries, then for the campaigns with none their kept
 * counts and the sum of their per-second deliveries inside each one's own rate
 * window (windows differ: each joins as a row).
 */
export async function campaignsProgress(
  db: Kysely<Database>,
  rows: readonly Pick<CampaignRow, 'id' | 'status' | 'launched_at' | 'updated_at' | 'finished_at'>[],
  now: Date,
): Promise<Map<string, CampaignProgress>> {
  if (rows.length === 0) return new Map();
  const windows = rows.map((r) => ({ id: r.id, subject: rateSubject(r), window: rateWindow(rateSubject(r), now) }));
  const ids = rows.map((r) => r.id);
  const timedAll = windows.filter((w) => w.window !== null);
  // Once retention summarised a finished campaign its rows may be gone: the summary holds what they said.
  // Otherwise counts and per-second deliveries are kept by the statements that change them
  // (migration 0016b): key lookups whatever the number of rows (counting them took 0.5-2 s at
  // 1,000,000), all three at once. Rows written some other way (no counts row) are still counted.
  const [summaries, kept, keptRecent] = await Promise.all([
    deliverySummaryCounts(db, ids),
    db.selectFrom('campaign_delivery_counts').select(['campaign_id', 'pending', 'retry', 'delivered', 'dead']).where('campaign_id', 'in', ids).execute(),
    timedAll.length === 0
      ? Promise.resolve([])
      : sql<{ campaign_id: string; n: number }>`
          select d.campaign_id, sum(d.n)::int as n
          from campaign_delivered_seconds d
          join (values ${sql.join(timedAll.map((w) => sql`(${w.id}::uuid, ${Math.floor(w.window!.from.getTime() / 1000)}::bigint, ${Math.floor(w.window!.to.getTime() / 1000)}::bigint)`))}) as w(id, from_s, to_s)
            on d.campaign_id = w.id and d.second >= w.from_s and d.second <= w.to_s
          group by d.campaign_id`
          .execute(db)
          .then((r) => r.rows),
  ]);
  const live = windows.filter((w) => !summaries.has(w.id));
  const timed = live.filter((w) => w.window !== null);
  const byCampaign = new Map<string, Record<DeliveryStatus, number>>(live.map((w) => [w.id, { ...NO_DELIVERIES }]));
  for (const c of kept) if (byCampaign.has(c.campaign_id)) byCampaign.set(c.campaign_id, { pending: c.pending, retry: c.retry, delivered: c.delivered, dead: c.dead });
  const counted = new Set(kept.map((c) => c.campaign_id));
  const uncounted = live.filter((w) => !counted.has(w.id));
  const [counts, recentRows] = await Promise.all([
    uncounted.length === 0
      ? Promise.resolve([])
      : db
          .selectFrom('deliveries')
          .select(['campaign_id', 'status', (eb) => eb.fn.countAll<number>().as('n')])
          .where(
            'campaign_id',
            'in',
            uncounted.map((w) => w.id),
          )
          .groupBy(['campaign_id', 'status'])
          .execute(),
    timed.some((w) => !counted.has(w.id))
      ? sql<{ campaign_id: string; n: number }>`
          select d.campaign_id, count(*)::int as n
          from deliveries d
          join (values ${sql.join(timed.filter((w) => !counted.has(w.id)).map((w) => sql`(${w.id}::uuid, ${w.window!.from}::timestamptz, ${w.window!.to}::timestamptz)`))}) as w(id, from_at, to_at)
            on d.campaign_id = w.id and d.delivered_at >= w.from_at and d.delivered_at <= w.to_at
          group by d.campaign_id`
          .execute(db)
          .then((r) => r.rows)
      : Promise.resolve([]),
  ]);
  for (const c of counts) byCampaign.get(c.campaign_id)![c.status] = Number(c.n);
  const recentBy = new Map([...keptRecent.filter((r) => counted.has(r.campaign_id)), ...recentRows].map((r) => [r.campaign_id, Number(r.n)]));
  return new Map(
    windows.map((w) => {
      const summary = summaries.get(w.id);
      return [w.id, summary ? progressOf(w.subject, w.window, summary.counts, w.window ? summary.recentDelivered : 0) : progressOf(w.subject, w.window, byCampaign.get(w.id)!, recentBy.get(w.id) ?? 0)];
    }),
  );
}
