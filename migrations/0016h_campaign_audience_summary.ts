import { type Kysely, sql } from 'kysely';

/**
 * What the API shows of an audience, kept beside it: a list audience holds up to 200,000 ids and
 * as many recipients' variables (megabytes of JSON), and every read of a campaign row (each
 * batch job, the Ops agent every cycle, each progress poll) fetched and parsed all of it. Reads
 * take this instead; the audience itself is read where it is used (materialisation, a launch's
 * content hash). Written from the audience at creation (campaigns/audience.ts audienceSummary).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('campaigns').addColumn('audience_summary', 'jsonb').execute();
  await sql`
    update campaigns set audience_summary = case
      when audience->>'type' = 'list' then
        jsonb_build_object('type', 'list', 'listed', jsonb_array_length(audience->'userIds'))
        || case when audience ? 'variables'
             then jsonb_build_object('variables', '[' || (select count(*) from jsonb_object_keys(audience->'variables')) || ' recipients]')
             else '{}'::jsonb end
      else audience end`.execute(db);
  await db.schema
    .alterTable('campaigns')
    .alterColumn('audience_summary', (c) => c.setNotNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('campaigns').dropColumn('audience_summary').execute();
}
