import type { Kysely } from 'kysely';

/**
 * Deliveries without their foreign key to campaigns: its check is a per-row trigger that ran
 * 10,000 times per materialisation chunk, a quarter of the chunk's INSERT (EXPLAIN ANALYZE at
 * 1,000,000 recipients, bench/materialise-chunks.ts). Deliveries are written only by
 * materialise(), which holds the campaign's row FOR UPDATE while it inserts, and campaigns are
 * never deleted, so the check could not fail.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('deliveries').dropConstraint('deliveries_campaign_id_fkey').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('deliveries').addForeignKeyConstraint('deliveries_campaign_id_fkey', ['campaign_id'], 'campaigns', ['id']).execute();
}
