import { type Kysely, sql } from 'kysely';

/**
 * Ingested activity events. The id is the sender's idempotency key: a resent
 * event is stored once. No foreign keys: ingestion must stay a single batched insert.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
    .addColumn('properties', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('events_tenant_time').on('events').columns(['tenant_id', 'occurred_at']).execute();
  await db.schema.createIndex('events_user_type_time').on('events').columns(['user_id', 'type', 'occurred_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('events').execute();
}
