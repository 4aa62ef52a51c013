import { type Kysely, sql } from 'kysely';

/**
 * /metrics counts auto-pauses from the audit log at every scrape: a partial index over
 * the pause entries alone keeps that a lookup of a few rows, whatever the log's size,
 * and costs nothing on the other appends.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index if not exists audit_log_pauses on audit_log (seq) where action = 'campaign.paused'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('audit_log_pauses').ifExists().execute();
}
