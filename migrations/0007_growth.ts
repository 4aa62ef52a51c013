import type { Kysely } from 'kysely';

/**
 * Growth experiments (one per campaign) and the hourly analyses of them. Arms,
 * the bucket allocation and analysis results are jsonb: they are read and
 * written whole, by the growth domain only.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('experiments')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('campaign_id', 'uuid', (c) => c.notNull().unique().references('campaigns.id'))
    .addColumn('key', 'text', (c) => c.notNull().unique())
    .addColumn('goal_event', 'text', (c) => c.notNull())
    .addColumn('revenue_event', 'text', (c) => c.notNull())
    .addColumn('revenue_property', 'text', (c) => c.notNull())
    .addColumn('attribution_window_sec', 'integer', (c) => c.notNull())
    .addColumn('control_arm', 'text', (c) => c.notNull())
    .addColumn('arms', 'jsonb', (c) => c.notNull())
    .addColumn('allocation', 'jsonb', (c) => c.notNull())
    .addColumn('allocation_mode', 'text', (c) => c.notNull())
    .addColumn('allocation_version', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('control_floor', 'double precision', (c) => c.notNull())
    .addColumn('min_sample_per_arm', 'integer', (c) => c.notNull())
    .addColumn('trace_id', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('experiment_analyses')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('experiment_id', 'uuid', (c) => c.notNull().references('experiments.id'))
    .addColumn('trace_id', 'text', (c) => c.notNull())
    .addColumn('analysed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('result', 'jsonb', (c) => c.notNull())
    // A retried analysis job (same trace id) overwrites its own row instead of adding one.
    .addUniqueConstraint('experiment_analyses_run', ['experiment_id', 'trace_id'])
    .execute();
  await db.schema.createIndex('experiment_analyses_latest').on('experiment_analyses').columns(['experiment_id', 'analysed_at']).execute();
  // Exposures are read per campaign and arm; the events lateral join uses events_user_type_time.
  await db.schema.createIndex('deliveries_campaign_arm').on('deliveries').columns(['campaign_id', 'arm', 'status']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('deliveries_campaign_arm').execute();
  await db.schema.dropTable('experiment_analyses').execute();
  await db.schema.dropTable('experiments').execute();
}
