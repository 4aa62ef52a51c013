import type { Kysely } from 'kysely';
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
