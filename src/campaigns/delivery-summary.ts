import { type Kysely, sql, type Transaction } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * What a finished campaign's delivery rows said, stored once before retention
 * removes them (src/campaigns/retention.ts). Readers of delivery rows read this
 * instead as soon as it exists: the rows may then be partly gone.
 */

/** The chart bucket sizes the summary keeps (the dashboard's ranges: 15 min, 1 h, 24 h). */
export const SUMMARY_BUCKET_MS = [15_000, 60_000, 1_200_000] as const;
/** Buckets are kept from this long before the campaign finished (the longest chart range plus a bucket). */
export const SUMMARY_BUCKETS_BEFORE_MS = 25 * 3600_000;
/** Batches kept for the trace view (it shows 200). */
export const SUMMARY_BATCHES = 1000;

const count = z.number().int().min(0);
const bucketSchema = z.strictObject({ t: z.number(), delivered: count, dead: count, p95LatencyMs: z.number().nullable() });
export type DeliveryBucket = z.infer<typeof bucketSchema>;
const bucketsSchema = z.record(z.string(), z.array(bucketSchema));

const batchSchema = z.strictObject({
  batchNo: z.number().int(),
  messages: count,
  delivered: count,
  dead: count,
  attempts: count,
  firstAt: z.iso.datetime().nullable(),
  lastAt: z.iso.datetime().nullable(),
});
export interface BatchSummary {
  batchNo: number;
  messages: number;
  delivered: number;
  dead: number;
  attempts: number;
  firstAt: Date | null;
  lastAt: Date | null;
}

const armTotalsSchema = z.strictObject({
  arm: z.string(),
  assigned: count,
  finished: count,
  exposures: count,
  conversions: count,
  revenueSum: z.number(),
  revenueSumSq: z.number(),
  rewardCost: z.number(),
  pre: z.strictObject({ conversions: count, conversionsBoth: count, revenueSum: z.number(), revenueSumSq: z.number(), revenueProducts: z.number() }),
});
export type SummaryArmTotals = z.infer<typeof armTotalsSchema>;
const armsSchema = z.record(z.string(), z.array(armTotalsSchema));

export interface DeliverySummary {
  campaignId: string;
  counts: { pending: number; retry: number; delivered: number; dead: number };
  recentDelivered: number;
  buckets: Record<string, DeliveryBucket[]>;
  batches: BatchSummary[];
  /** Per-arm totals by experiment id, at the time of the summary (every attribution window had closed). */
  arms: Record<string, SummaryArmTotals[]>;
  summarisedAt: Date;
}

export async function deliverySummary(db: Db, campaignId: string): Promise<DeliverySummary | undefined> {
  const row = await db.selectFrom('delivery_summaries').selectAll().where('campaign_id', '=', campaignId).executeTakeFirst();
  if (!row) return undefined;
  return {
    campaignId: row.campaign_id,
    counts: { pending: row.pending, retry: row.retry, delivered: row.delivered, dead: row.dead },
    recentDelivered: row.recent_delivered,
    buckets: bucketsSchema.parse(row.buckets),
    batches: z
      .array(batchSchema)
      .parse(row.batches)
      .map((b) => ({ ...b, firstAt: b.firstAt ? new Date(b.firstAt) : null, lastAt: b.lastAt ? new Date(b.lastAt) : null })),
    arms: armsSchema.parse(row.arms),
    summarisedAt: new Date(row.summarised_at),
  };
}

/** The counts of the summaries of these campaigns (list pages: one query, none of the JSON). */
export async function deliverySummaryCounts(db: Db, campaignIds: readonly string[]): Promise<Map<string, Pick<DeliverySummary, 'counts' | 'recentDelivered'>>> {
  if (campaignIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('delivery_summaries')
    .select(['campaign_id', 'pending', 'retry', 'delivered', 'dead', 'recent_delivered'])
    .where('campaign_id', 'in', [...campaignIds])
    .execute();
  return new Map(
    rows.map((r) => [
      r.campaign_id,
      { counts: { pending: r.pending, retry: r.retry, delivered: r.delivered, dead: r.dead }, recentDelivered: r.recent_delivered },
    ]),
  );
}

/** Stores a summary; a second one for the same campaign changes nothing (the first was taken while every row was there). */
export async function insertDeliverySummary(db: Db, s: DeliverySummary): Promise<boolean> {
  const result = await db
    .insertInto('delivery_summaries')
    .values({
      campaign_id: s.campaignId,
      ...s.counts,
      recent_delivered: s.recentDelivered,
      buckets: JSON.stringify(bucketsSchema.parse(s.buckets)),
      batches: JSON.stringify(
        s.batches.map((b) => batchSchema.parse({ ...b, firstAt: b.firstAt?.toISOString() ?? null, lastAt: b.lastAt?.toISOString() ?? null })),
      ),
      arms: JSON.stringify(armsSchema.parse(s.arms)),
      summarised_at: s.summarisedAt,
    })
    .onConflict((oc) => oc.column('campaign_id').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

/**
 * The summary's chart buckets for a range, as deliveryBuckets returns them from rows.
 * A bucket size the summary does not keep is built from the largest kept size that
 * divides it; its p95 is then the largest of the parts' (an upper bound).
 */
export function summaryBuckets(summary: DeliverySummary, range: { from: Date; to: Date; bucketMs: number }): DeliveryBucket[] {
  const kept = SUMMARY_BUCKET_MS.filter((size) => range.bucketMs % size === 0).at(-1) ?? SUMMARY_BUCKET_MS[0];
  const merged = new Map<number, DeliveryBucket>();
  for (const b of summary.buckets[String(kept)] ?? []) {
    const t = Math.floor(b.t / range.bucketMs) * range.bucketMs;
    if (t + range.bucketMs <= range.from.getTime() || t >= range.to.getTime()) continue;
    const into = merged.get(t);
    if (!into) merged.set(t, { ...b, t });
    else merged.set(t, { t, delivered: into.delivered + b.delivered, dead: into.dead + b.dead, p95LatencyMs: maxOrNull(into.p95LatencyMs, b.p95LatencyMs) });
  }
  return [...merged.values()].sort((a, b) => a.t - b.t);
}

const maxOrNull = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));

/** Campaigns summarised whose rows are not all removed yet, oldest first. */
export async function summariesWithRows(db: Db, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('delivery_summaries')
    .select('campaign_id')
    .where('rows_removed_at', 'is', null)
    .orderBy('summarised_at')
    .limit(limit)
    .execute();
  return rows.map((r) => r.campaign_id);
}

/**
 * Removes up to `chunk` of a summarised campaign's delivery rows in one short
 * statement, and marks the summary done when none are left. Returns the rows removed.
 */
export async function removeDeliveryChunk(db: Kysely<Database>, campaignId: string, chunk: number, at: Date): Promise<number> {
  const result = await sql`
    delete from deliveries where id in (select id from deliveries where campaign_id = ${campaignId} limit ${chunk})`.execute(db);
  const removed = Number(result.numAffectedRows ?? 0);
  await db
    .updateTable('delivery_summaries')
    .set({ rows_removed: sql`rows_removed + ${removed}`, ...(removed < chunk ? { rows_removed_at: at } : {}) })
    .where('campaign_id', '=', campaignId)
    .execute();
  return removed;
}
