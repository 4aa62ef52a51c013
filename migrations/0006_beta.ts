import { type Kysely, sql } from 'kysely';

/**
 * The Beta program: screening runs and their candidates (with the score
 * breakdown), participants and their invitation status, feedback with its
 * analysis, and the sprint reports built from it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('beta_screenings')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('trace_id', 'text', (c) => c.notNull())
    .addColumn('screened_at', 'timestamptz', (c) => c.notNull())
    .addColumn('threshold', 'double precision', (c) => c.notNull())
    .addColumn('tenants_screened', 'integer', (c) => c.notNull())
    .addColumn('candidate_count', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('beta_screenings_screened_at').on('beta_screenings').column('screened_at').execute();

  await db.schema
    .createTable('beta_candidates')
    .addColumn('screening_id', 'bigint', (c) => c.notNull().references('beta_screenings.id').onDelete('cascade'))
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('score', 'double precision', (c) => c.notNull())
    .addColumn('breakdown', 'jsonb', (c) => c.notNull())
    .addColumn('activity', 'jsonb', (c) => c.notNull())
    .addPrimaryKeyConstraint('beta_candidates_pk', ['screening_id', 'tenant_id'])
    .execute();

  await db.schema
    .createTable('beta_participants')
    .addColumn('tenant_id', 'text', (c) => c.primaryKey().references('tenants.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('contact_user_id', 'text')
    .addColumn('campaign_id', 'uuid')
    .addColumn('approval_id', 'uuid')
    .addColumn('trace_id', 'text', (c) => c.notNull())
    .addColumn('invited_at', 'timestamptz', (c) => c.notNull())
    .addColumn('invite_expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('responded_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addCheckConstraint('beta_participants_status', sql`status in ('invited', 'accepted', 'declined', 'active', 'opted_out')`)
    .execute();
  await db.schema.createIndex('beta_participants_status').on('beta_participants').column('status').execute();

  await db.schema
    .createTable('beta_feedback')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('sentiment', 'text', (c) => c.notNull())
    .addColumn('score', 'double precision', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('keywords', 'jsonb', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('beta_feedback_occurred_at').on('beta_feedback').column('occurred_at').execute();

  await db.schema
    .createTable('beta_reports')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('trace_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('feedback_count', 'integer', (c) => c.notNull())
    .addColumn('capacity', 'double precision', (c) => c.notNull())
    .addColumn('report', 'jsonb', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('beta_reports_created_at').on('beta_reports').column('created_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['beta_reports', 'beta_feedback', 'beta_participants', 'beta_candidates', 'beta_screenings']) {
    await db.schema.dropTable(table).execute();
  }
}
