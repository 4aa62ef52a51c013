import { type Kysely, sql } from 'kysely';

/**
 * Batches numbered by a kept count instead of recipients ÷ maxBatch: a large audience's batch jobs
 * carry several maxBatch's worth of recipients (campaigns.jobRecipients), a small one's one each,
 * so a batch's number no longer follows from how many recipients came before it. A campaign
 * materialised before this had jobs of maxBatch, its chunks whole batches.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('campaigns')
    .addColumn('materialised_batches', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`update campaigns set materialised_batches = ceil(materialised_count::numeric / (channel->>'maxBatch')::int) where materialised_count > 0`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('campaigns').dropColumn('materialised_batches').execute();
}
