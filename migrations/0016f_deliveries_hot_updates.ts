import { type Kysely, sql } from 'kysely';

/**
 * Result writes as HOT updates: a delivery's result changes only columns no index holds, into free
 * space kept on the row's own page (fillfactor 40: room for each row's next version, which is
 * larger than the first since its result columns fill in), so Postgres writes no index entry for
 * it and vacuum has no index entries to clean. The outstanding index of 0016e held rows by status, which made every
 * result write a new entry in each index; batches are now found by (campaign_id, batch_no) over all
 * rows, and whether anything is left by the kept counts (campaign_delivery_counts).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table deliveries set (fillfactor = 40)`.execute(db);
  await db.schema.dropIndex('deliveries_outstanding').execute();
  await db.schema.createIndex('deliveries_batch').on('deliveries').columns(['campaign_id', 'batch_no']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('deliveries_batch').execute();
  await sql`create index deliveries_outstanding on deliveries (campaign_id, batch_no) where status in ('pending', 'retry')`.execute(db);
  await sql`alter table deliveries reset (fillfactor)`.execute(db);
}
