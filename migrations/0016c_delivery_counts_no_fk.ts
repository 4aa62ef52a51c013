import type { Kysely } from 'kysely';

/**
 * The count tables of 0016b without their foreign keys: a new row's key check takes a share
 * lock on the campaign's row, which a materialisation chunk holds FOR UPDATE, while the same
 * result write already holds the counts row the chunk adds to: deadlock (found at 1,000,000
 * recipients, bench/big-campaign.ts). Their rows are written only for campaigns that exist.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('campaign_delivery_counts').dropConstraint('campaign_delivery_counts_campaign_id_fkey').execute();
  await db.schema.alterTable('campaign_delivered_seconds').dropConstraint('campaign_delivered_seconds_campaign_id_fkey').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('campaign_delivery_counts')
    .addForeignKeyConstraint('campaign_delivery_counts_campaign_id_fkey', ['campaign_id'], 'campaigns', ['id'])
    .execute();
  await db.schema
    .alterTable('campaign_delivered_seconds')
    .addForeignKeyConstraint('campaign_delivered_seconds_campaign_id_fkey', ['campaign_id'], 'campaigns', ['id'])
    .execute();
}
