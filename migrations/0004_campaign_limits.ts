import { type Kysely, sql } from 'kysely';

/** The operator's cap on a campaign's limits, kept in Postgres so losing Redis does not lose it. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('campaigns').addColumn('limits_cap', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('campaigns').dropColumn('limits_cap').execute();
}
