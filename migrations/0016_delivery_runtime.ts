import { type Kysely, sql } from 'kysely';

/**
 * A launch materialises its recipients in a worker, a chunk per transaction: the
 * cursor (last user id written) and the count are committed with each chunk, so a
 * crash resumes where it stopped. `materialised_at` is set once every recipient is in.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('campaigns')
    .addColumn('materialised_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('materialised_cursor', 'text')
    .addColumn('materialised_at', 'timestamptz')
    .execute();
  // Campaigns launched before this migration were materialised inside their launch.
  await sql`update campaigns set materialised_at = launched_at, materialised_count = coalesce(audience_size, 0) where launched_at is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('campaigns').dropColumn('materialised_count').dropColumn('materialised_cursor').dropColumn('materialised_at').execute();
}
