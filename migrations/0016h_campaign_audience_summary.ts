import type { Kysely } from 'kysely';
import { audienceSummarySql } from '../src/campaigns/audience.js';

/**
 * What the API shows of an audience, kept beside it: a list audience holds up to 200,000 ids and
 * as many recipients' variables (megabytes of JSON), and every read of a campaign row (each
 * batch job, the Ops agent every cycle, each progress poll) fetched and parsed all of it. Reads
 * take this instead. Nullable: processes of the previous version, still running while a deploy
 * rolls, create campaigns without it, and reads fall back to the audience for those rows
 * (campaigns/store.ts). Existing campaigns get theirs here, in one statement.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('campaigns').addColumn('audience_summary', 'jsonb').execute();
  await db.updateTable('campaigns').set({ audience_summary: audienceSummarySql }).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('campaigns').dropColumn('audience_summary').execute();
}
