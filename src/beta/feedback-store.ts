import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { FeedbackAnalysis } from './analyze-feedback.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface FeedbackRecord {
  id: string;
  tenantId: string;
  userId: string | null;
  source: string;
  text: string;
  time: string;
  analysis: FeedbackAnalysis;
}

/** Stores analysed feedback in one statement; a resent id is stored once. Returns how many were new. */
export async function insertFeedback(db: Db, items: readonly FeedbackRecord[]): Promise<number> {
  const rows = await db
    .insertInto('beta_feedback')
    .values(
      items.map((f) => ({
        id: f.id,
        tenant_id: f.tenantId,
        user_id: f.userId,
        source: f.source,
        text: f.text,
        occurred_at: f.time,
        sentiment: f.analysis.sentiment,
        score: f.analysis.score,
        category: f.analysis.category,
        keywords: JSON.stringify(f.analysis.keywords),
      })),
    )
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .execute();
  return rows.length;
}

/** Feedback given in (since, until], oldest first, for theme clustering. */
export async function feedbackBetween(db: Db, since: Date, until: Date) {
  return db
    .selectFrom('beta_feedback')
    .select(['id', 'tenant_id', 'text'])
    .where('occurred_at', '>', since)
    .where('occurred_at', '<=', until)
    .orderBy('occurred_at')
    .orderBy('id')
    .execute();
}

/** Feedback totals: all of it, by sentiment and by category. */
export async function feedbackCounts(db: Db) {
  const { rows } = await sql<{ sentiment: string; category: string; n: number }>`
    select sentiment, category, count(*)::int as n from beta_feedback group by sentiment, category`.execute(db);
  const bySentiment: Record<string, number> = { positive: 0, neutral: 0, negative: 0 };
  const byCategory: Record<string, number> = {};
  let total = 0;
  for (const r of rows) {
    total += r.n;
    bySentiment[r.sentiment] = (bySentiment[r.sentiment] ?? 0) + r.n;
    byCategory[r.category] = (byCategory[r.category] ?? 0) + r.n;
  }
  return { total, bySentiment, byCategory };
}

/** Plans of the given tenants (for the tenant value in story priority). */
export async function tenantPlans(db: Db, tenantIds: readonly string[]): Promise<Map<string, string>> {
  if (tenantIds.length === 0) return new Map();
  const rows = await db.selectFrom('tenants').select(['id', 'plan']).where('id', 'in', [...tenantIds]).execute();
  return new Map(rows.map((r) => [r.id, r.plan]));
}

export async function saveReport(db: Db, report: { traceId: string; at: Date; feedbackCount: number; capacity: number; report: Record<string, unknown> }): Promise<number> {
  const row = await db
    .insertInto('beta_reports')
    .values({ trace_id: report.traceId, created_at: report.at, feedback_count: report.feedbackCount, capacity: report.capacity, report: JSON.stringify(report.report) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

export async function latestReport(db: Db) {
  return db.selectFrom('beta_reports').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
}
