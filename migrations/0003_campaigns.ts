import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('tenants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('plan', 'text', (c) => c.notNull().defaultTo('free'))
    .addColumn('seats', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('attributes', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('email', 'text')
    .addColumn('name', 'text')
    .addColumn('attributes', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('users_tenant').on('users').column('tenant_id').execute();

  await db.schema
    .createTable('campaigns')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('audience', 'jsonb', (c) => c.notNull())
    .addColumn('template', 'text', (c) => c.notNull())
    .addColumn('reward', 'jsonb', (c) => c.notNull())
    .addColumn('channel', 'jsonb', (c) => c.notNull())
    .addColumn('channel_secret', 'text', (c) => c.notNull())
    .addColumn('start_at', 'timestamptz')
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('audience_size', 'integer')
    .addColumn('status_reason', 'text')
    .addColumn('approval_id', 'uuid')
    .addColumn('trace_id', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('launched_at', 'timestamptz')
    .addColumn('finished_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('campaigns_status').on('campaigns').column('status').execute();

  await db.schema
    .createTable('deliveries')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('campaign_id', 'uuid', (c) => c.notNull().references('campaigns.id'))
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('batch_no', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('http_status', 'integer')
    .addColumn('latency_ms', 'real')
    .addColumn('last_error', 'text')
    .addColumn('variables', 'jsonb', (c) => c.notNull())
    .addColumn('reward', 'jsonb', (c) => c.notNull())
    .addColumn('arm', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('delivered_at', 'timestamptz')
    .addUniqueConstraint('deliveries_campaign_user', ['campaign_id', 'user_id'])
    .execute();
  await db.schema.createIndex('deliveries_outstanding').on('deliveries').columns(['campaign_id', 'status', 'batch_no']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['deliveries', 'campaigns', 'users', 'tenants']) await db.schema.dropTable(table).execute();
}
