import { type ExpressionBuilder, type Kysely, sql, type Transaction } from 'kysely';
import type { CampaignStatus, CampaignsTable, Database } from '../db/schema.js';
import { audienceSummarySql } from './audience.js';
import type { Audience } from './input.js';
import { deliverySummary, summaryBuckets } from './delivery-summary.js';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Every column of a campaign but its audience, which a list makes megabytes of JSON (200,000 ids
 * and their variables): a batch job, the Ops agent's cycle and a progress poll each read the row,
 * and fetched and parsed all of it (0.3-0.5 s a read at 200,000). audience_summary is what is shown.
 */
const CAMPAIGN_COLUMN_NAMES = [
  'id',
  'name',
  'status',
  'template',
  'reward',
  'channel',
  'channel_secret',
  'start_at',
  'max_attempts',
  'audience_size',
  'status_reason',
  'approval_id',
  'trace_id',
  'created_by',
  'created_at',
  'updated_at',
  'launched_at',
  'finished_at',
  'limits_cap',
  'materialised_count',
  'materialised_cursor',
  'materialised_batches',
  'materialised_at',
  'content_hash',
] as const satisfies readonly (keyof CampaignsTable)[];
/** A column added to the table and not to CAMPAIGN_COLUMN_NAMES fails to compile here. */
export type CampaignColumnsComplete = Exclude<keyof CampaignsTable, 'audience' | 'audience_summary' | (typeof CAMPAIGN_COLUMN_NAMES)[number]> extends never ? true : never;
const campaignColumnsComplete: CampaignColumnsComplete = true;
void campaignColumnsComplete;

/** What a campaign row is read as: its columns, and its audience's summary (from the audience itself for a row of the version before 0016h, which wrote none). */
export const CAMPAIGN_COLUMNS = [...CAMPAIGN_COLUMN_NAMES, sql<Record<string, unknown>>`coalesce(audience_summary, ${audienceSummarySql})`.as('audience_summary')] as const;

export async function getCampaign(db: Db, id: string) {
  return db.selectFrom('campaigns').select(CAMPAIGN_COLUMNS).where('id', '=', id).executeTakeFirst();
}
export type CampaignRow = NonNullable<Awaited<ReturnType<typeof getCampaign>>>;

/** A campaign's audience as it was created (materialisation). */
export async function getCampaignAudience(db: Db, id: string): Promise<Audience | undefined> {
  const row = await db.selectFrom('campaigns').select('audience').where('id', '=', id).executeTakeFirst();
  return row?.audience as Audience | undefined;
}

export async function listCampaigns(db: Db, filter: { status?: CampaignStatus[]; limit: number; offset: number }) {
  let query = db.selectFrom('campaigns').select(CAMPAIGN_COLUMNS);
  if (filter.status?.length) query = query.where('status', 'in', filter.status);
  return query.orderBy('created_at', 'desc').limit(filter.limit).offset(filter.offset).execute();
}

/**
 * Moves a campaign between states only from the states given, so a repeated or
 * racing transition changes nothing the second time. True when it moved.
 */
export async function transition(
  db: Db,
  id: string,
  from: readonly CampaignStatus[],
  to: CampaignStatus,
  at: Date,
  extra: { status_reason?: string | null; approval_id?: string | null; launched_at?: Date; finished_at?: Date; audience_size?: number } = {},
): Promise<boolean> {
  const result = await db
    .updateTable('campaigns')
    .set({ status: to, updated_at: at, ...extra })
    .where('id', '=', id)
    .where('status', 'in', [...from])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function runningCampaignIds(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('campaigns').select('id').where('status', '=', 'running').execute();
  return rows.map((r) => r.id);
}

/** A campaign's deliveries by status: its kept counts (migration 0016b), or its rows counted where none are kept (rows written some other way). */
export async function deliveryCounts(db: Db, campaignId: string) {
  const kept = await db.selectFrom('campaign_delivery_counts').select(['pending', 'retry', 'delivered', 'dead']).where('campaign_id', '=', campaignId).executeTakeFirst();
  if (kept) return kept;
  const rows = await db
    .selectFrom('deliveries')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('campaign_id', '=', campaignId)
    .groupBy('status')
    .execute();
  const counts = { pending: 0, retry: 0, delivered: 0, dead: 0 };
  for (const row of rows) counts[row.status] = Number(row.n);
  return counts;
}

/** Deliveries of a campaign delivered in [from, to] (the send rate's window). */
export async function deliveredBetween(db: Db, campaignId: string, from: Date, to: Date): Promise<number> {
  const row = await db
    .selectFrom('deliveries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('campaign_id', '=', campaignId)
    .where('delivered_at', '>=', from)
    .where('delivered_at', '<=', to)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Batches that still have deliveries to make. */
export async function outstandingBatches(db: Db, campaignId: string): Promise<number[]> {
  const rows = await db
    .selectFrom('deliveries')
    .select('batch_no')
    .distinct()
    .where('campaign_id', '=', campaignId)
    .where('status', 'in', ['pending', 'retry'])
    .orderBy('batch_no')
    .execute();
  return rows.map((r) => r.batch_no);
}

/**
 * The outstanding deliveries of a batch, with what a send needs, in id order: a query of its own,
 * or a subquery from the outer query's builder. The recipient's own fields come from their user
 * and tenant as they are at sending (a key lookup each per row), not copied into every delivery row
 * at materialisation, where building and storing them was a quarter of the insert.
 */
const batchRowsQuery = (db: Pick<ExpressionBuilder<Database, never>, 'selectFrom'>, campaignId: string, batchNo: number) =>
  db
    .selectFrom('deliveries')
    .leftJoin('users', 'users.id', 'deliveries.user_id')
    .leftJoin('tenants', 'tenants.id', 'users.tenant_id')
    .select([
      'deliveries.id',
      'deliveries.user_id',
      'deliveries.variables',
      'deliveries.reward',
      'deliveries.arm',
      'users.name as user_name',
      'users.email as user_email',
      'tenants.id as tenant_id',
      'tenants.name as tenant_name',
    ])
    .where('deliveries.campaign_id', '=', campaignId)
    .where('deliveries.batch_no', '=', batchNo)
    .where('deliveries.status', 'in', ['pending', 'retry'])
    .orderBy('deliveries.id');

/**
 * A variable of a delivery's message (`user.name`, `reward.amount`, …): its user's and tenant's
 * fields, its reward and the campaign's name, which win over the list audience's own values for
 * the recipient. Looked up by name, not built as an object: it runs for every recipient.
 */
export function deliveryVariable(
  d: Pick<DeliveryRow, 'user_id' | 'variables' | 'user_name' | 'user_email' | 'tenant_id' | 'tenant_name' | 'reward'>,
  campaignName: string,
  name: string,
): string | undefined {
  switch (name) {
    case 'user.id':
      return d.user_id;
    case 'user.name':
      return d.user_name ?? '';
    case 'user.email':
      return d.user_email ?? '';
    case 'tenant.id':
      return d.tenant_id ?? '';
    case 'tenant.name':
      return d.tenant_name ?? '';
    case 'campaign.name':
      return campaignName;
    case 'reward.mechanism':
      return d.reward.mechanism;
    case 'reward.amount':
      return String(d.reward.amount);
    default:
      return d.variables?.[name];
  }
}

export async function batchDeliveries(db: Db, campaignId: string, batchNo: number) {
  return batchRowsQuery(db, campaignId, batchNo).execute();
}
export type DeliveryRow = Awaited<ReturnType<typeof batchDeliveries>>[number];

/**
 * What a batch job needs, in one round trip: the campaign and its batch's outstanding deliveries
 * (as one JSON array: one parse instead of a row each). Two statements at once cost two Postgres
 * backends woken per job, a measurable part of a job on this path.
 */
export async function batchWork(db: Db, campaignId: string, batchNo: number): Promise<{ campaign: CampaignRow; pending: DeliveryRow[] } | undefined> {
  const row = await db
    .selectFrom('campaigns')
    .select(CAMPAIGN_COLUMNS)
    // In id order, which json_agg keeps only when told: a rerun groups the same recipients the same way.
    .select((eb) => sql<DeliveryRow[]>`(select coalesce(json_agg(agg order by agg.id), '[]') from ${batchRowsQuery(eb, campaignId, batchNo)} as agg)`.as('pending'))
    .where('campaigns.id', '=', campaignId)
    .executeTakeFirst();
  if (!row) return undefined;
  const { pending, ...campaign } = row;
  return { campaign: campaign as CampaignRow, pending };
}

/** One delivery's answer from the downstream, waiting to be written. */
export interface DeliveryResult {
  id: number | string;
  ok: boolean;
  httpStatus: number | null;
  latencyMs: number;
  error: string | null;
  at: Date;
}

/**
 * Writes many results in one statement, and returns the deliveries of the campaign still
 * pending or to retry once it is written (null when it changed no row: nothing to say).
 * Written by one campaign's writer, so one campaign per call. Attempts are counted per delivery: a failure
 * is `retry` while the delivery has attempts left and `dead` at its `maxAttempts`th.
 * A success never overwrites an earlier one, and a finished delivery is never touched
 * again (a redelivered batch finds it done).
 */
export async function writeResults(db: Db, results: readonly DeliveryResult[], maxAttempts: number): Promise<number | null> {
  if (results.length === 0) return null;
  // One statement: the rows, their campaign's counts by status and its deliveries per second
  // (progress reads those instead of counting rows). The status a row leaves follows from its
  // attempts (a pending row has none, a retrying one some: only this statement changes either), as
  // the update's RETURNING gives them from the version it changed, so the counts move by exactly
  // what changed, whoever else writes the same rows, without locking them first (that lock cost a
  // quarter of the statement in Postgres). In id order: two writers of overlapping rows (a batch
  // rerun by another worker) take their row locks in the same order.
  const sorted = [...results].sort((a, b) => Number(a.id) - Number(b.id));
  const written = await sql<{ outstanding: number | null }>`
    with v as (
      select unnest(${sorted.map((r) => String(r.id))}::bigint[]) as id,
             unnest(${sorted.map((r) => r.ok)}::boolean[]) as ok,
             unnest(${sorted.map((r) => r.httpStatus)}::int[]) as http_status,
             unnest(${sorted.map((r) => r.latencyMs)}::real[]) as latency_ms,
             unnest(${sorted.map((r) => (r.error === null ? null : r.error.slice(0, 500)))}::text[]) as error,
             unnest(${sorted.map((r) => r.at.toISOString())}::timestamptz[]) as at
    ), u as (
      update deliveries d set
        status = case when v.ok then 'delivered' when d.attempts + 1 >= ${maxAttempts} then 'dead' else 'retry' end,
        attempts = d.attempts + 1,
        http_status = v.http_status,
        latency_ms = v.latency_ms,
        last_error = v.error,
        delivered_at = case when v.ok then v.at else d.delivered_at end,
        updated_at = v.at
      from v
      where d.id = v.id and d.status in ('pending', 'retry')
      returning d.campaign_id, case when d.attempts = 1 then 'pending' else 'retry' end as old_status, d.status as new_status, v.at
    ), counted as (
      insert into campaign_delivery_counts as k (campaign_id, pending, retry, delivered, dead)
      select campaign_id,
             -count(*) filter (where old_status = 'pending'),
             count(*) filter (where new_status = 'retry') - count(*) filter (where old_status = 'retry'),
             count(*) filter (where new_status = 'delivered'),
             count(*) filter (where new_status = 'dead')
      from u group by campaign_id
      on conflict (campaign_id) do update set
        pending = k.pending + excluded.pending, retry = k.retry + excluded.retry,
        delivered = k.delivered + excluded.delivered, dead = k.dead + excluded.dead
      returning k.pending + k.retry as outstanding
    ), seconds as (
      insert into campaign_delivered_seconds as s (campaign_id, second, n)
      select campaign_id, floor(extract(epoch from at))::bigint, count(*) from u where new_status = 'delivered' group by 1, 2
      on conflict (campaign_id, second) do update set n = s.n + excluded.n
    )
    select (select max(outstanding) from counted)::int as outstanding`.execute(db);
  return written.rows[0]?.outstanding ?? null;
}

/**
 * A campaign's finished deliveries per time bucket over [from, to): delivered and
 * given up (dead), and the p95 latency of the delivered requests. Buckets with
 * nothing finished are absent.
 */
export async function deliveryBuckets(db: Db, campaignId: string, range: { from: Date; to: Date; bucketMs: number }) {
  const summary = await deliverySummary(db, campaignId);
  if (summary) return summaryBuckets(summary, range);
  const at = sql`coalesce(delivered_at, updated_at)`;
  const rows = await sql<{ t: string; delivered: number; dead: number; p95: number | null }>`
    select (floor(extract(epoch from ${at}) * 1000 / ${range.bucketMs}) * ${range.bucketMs})::bigint as t,
           count(*) filter (where status = 'delivered')::int as delivered,
           count(*) filter (where status = 'dead')::int as dead,
           percentile_cont(0.95) within group (order by latency_ms) filter (where status = 'delivered') as p95
    from deliveries
    where campaign_id = ${campaignId} and status in ('delivered', 'dead') and ${at} >= ${range.from} and ${at} < ${range.to}
    group by 1 order by 1`.execute(db);
  return rows.rows.map((r) => ({ t: Number(r.t), delivered: r.delivered, dead: r.dead, p95LatencyMs: r.p95 === null ? null : Number(r.p95) }));
}

/** Names of the campaigns with these ids (for pages that list events of many campaigns). */
export async function campaignNames(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('campaigns').select(['id', 'name']).where('id', 'in', [...ids]).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/**
 * A campaign's delivery batches (one job each), from its delivery rows: how many
 * messages, how many delivered or given up, the most attempts any took, and when
 * the first and last finished. For the trace view; delivery jobs record no runs.
 */
export async function batchSummaries(db: Db, campaignId: string, limit = 200) {
  const summary = await deliverySummary(db, campaignId);
  if (summary) return summary.batches.slice(0, limit);
  const rows = await db
    .selectFrom('deliveries')
    .select((eb) => [
      'batch_no',
      eb.fn.countAll<number>().as('messages'),
      sql<number>`count(*) filter (where status = 'delivered')`.as('delivered'),
      sql<number>`count(*) filter (where status = 'dead')`.as('dead'),
      eb.fn.max('attempts').as('attempts'),
      sql<Date | null>`min(coalesce(delivered_at, case when status = 'dead' then updated_at end))`.as('first_at'),
      sql<Date | null>`max(coalesce(delivered_at, case when status = 'dead' then updated_at end))`.as('last_at'),
    ])
    .where('campaign_id', '=', campaignId)
    .groupBy('batch_no')
    .orderBy('batch_no')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    batchNo: r.batch_no,
    messages: Number(r.messages),
    delivered: Number(r.delivered),
    dead: Number(r.dead),
    attempts: Number(r.attempts),
    firstAt: r.first_at ? new Date(r.first_at) : null,
    lastAt: r.last_at ? new Date(r.last_at) : null,
  }));
}

/** Whether any delivery of the campaign is still pending or to retry: its kept counts (a key lookup), or its rows where none are kept. */
export async function hasOutstanding(db: Db, campaignId: string): Promise<boolean> {
  const counts = await deliveryCounts(db, campaignId);
  return counts.pending + counts.retry > 0;
}
