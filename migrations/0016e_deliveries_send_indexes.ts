import { type Kysely, sql } from 'kysely';

/**
 * Deliveries keep the indexes their writers need and no more: materialisation inserts every row
 * into each index, and each result write inserts the new row version into each again (status
 * changes, so no update is HOT). Before: four indexes, two of them holding every row by status.
 * After: the primary key, the (campaign, user) unique key, and `deliveries_outstanding` over the
 * rows still to send only (pending or retry), by batch: what batch reads, the reconciler and
 * "anything left?" probes ask; a delivered or dead row leaves it. Counts by status come from
 * campaign_delivery_counts (0016b) and arms are assigned per materialised chunk by user id range,
 * so neither needs an index of its own. bench/materialise-chunks.ts: 48-49k → 69-84k rows/s.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('deliveries_campaign_arm').execute();
  await db.schema.dropIndex('deliveries_outstanding').execute();
  await sql`create index deliveries_outstanding on deliveries (campaign_id, batch_no) where status in ('pending', 'retry')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('deliveries_outstanding').execute();
  await db.schema.createIndex('deliveries_outstanding').on('deliveries').columns(['campaign_id', 'status', 'batch_no']).execute();
  await db.schema.createIndex('deliveries_campaign_arm').on('deliveries').columns(['campaign_id', 'arm', 'status']).execute();
}
