import { type Kysely, sql } from 'kysely';

/**
 * Approval lists (pending, history) are read newest first, `created_at desc, id`: an
 * index in that order lets a page stop after its rows, where the status index made
 * every list sort all requests of its statuses (issue 14: dashboard pages < 50 ms).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('approval_requests_created').on('approval_requests').expression(sql`created_at desc, id`).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('approval_requests_created').execute();
}
