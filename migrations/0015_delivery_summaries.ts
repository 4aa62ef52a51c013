import { type Kysely, sql } from 'kysely';

/**
 * What a finished campaign's delivery rows said, kept once the rows are removed
 * (delivery retention, src/campaigns/retention.ts): the counts and the last
 * minute's sends for its progress, the dashboard's chart buckets and batch list,
 * and each experiment's per-arm totals for the analysis. `rows_removed_at` is set
 * once the last chunk of its rows is gone.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('delivery_summaries')
    .addColumn('campaign_id', 'uuid', (c) => c.primaryKey().references('campaigns.id'))
    .addColumn('pending', 'integer', (c) => c.notNull())
    .addColumn('retry', 'integer', (c) => c.notNull())
    .addColumn('delivered', 'integer', (c) => c.notNull())
    .addColumn('dead', 'integer', (c) => c.notNull())
    .addColumn('recent_delivered', 'integer', (c) => c.notNull())
    .addColumn('buckets', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('batches', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('arms', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('summarised_at', 'timestamptz', (c) => c.notNull())
    .addColumn('rows_removed', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('rows_removed_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('delivery_summaries_removing')
    .on('delivery_summaries')
    .column('campaign_id')
    .where(sql.ref('rows_removed_at'), 'is', null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('delivery_summaries').execute();
}
