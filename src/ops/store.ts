import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.js';
import type { SystemSnapshot } from './snapshot.js';

export async function saveSnapshot(db: Kysely<Database>, traceId: string, data: SystemSnapshot, at: Date) {
  const row = await db
    .insertInto('ops_snapshots')
    .values({ trace_id: traceId, data: JSON.stringify(data), taken_at: at })
    .returning(['id', 'taken_at'])
    .executeTakeFirstOrThrow();
  return row;
}

export async function recentSnapshots(db: Kysely<Database>, limit: number) {
  return db.selectFrom('ops_snapshots').selectAll().orderBy('id', 'desc').limit(limit).execute();
}

/** One campaign's entry of each monitor snapshot in [from, to], oldest first: the controller's limit and capacity estimate over time. */
export async function campaignSnapshots(db: Kysely<Database>, campaignId: string, from: Date, to: Date) {
  const rows = await db
    .selectFrom('ops_snapshots')
    .select(['taken_at', sql<Record<string, unknown> | null>`data -> 'campaigns' -> ${campaignId}`.as('campaign')])
    .where('taken_at', '>=', from)
    .where('taken_at', '<=', to)
    .where(sql<boolean>`data -> 'campaigns' ? ${campaignId}`)
    .orderBy('taken_at')
    .execute();
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  return rows.map((r) => ({ at: new Date(r.taken_at).getTime(), limit: num(r.campaign?.limit), ratePerSec: num(r.campaign?.ratePerSec), capacityPerSec: num(r.campaign?.capacityPerSec) }));
}
