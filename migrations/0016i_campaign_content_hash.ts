import type { Kysely } from 'kysely';
import { campaignContentHash } from '../src/campaigns/content-hash.js';

/**
 * A campaign's launch content hash, kept from its creation (campaigns/content-hash.ts) instead of
 * computed over its audience in every launch request: 0.8 s for a list of 200,000 with variables.
 * Campaigns created before are hashed here as launchParams hashed them, so an approval pending
 * across this migration still matches.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('campaigns').addColumn('content_hash', 'text').execute();
  for (;;) {
    const rows = await db
      .selectFrom('campaigns')
      .select(['id', 'template', 'audience', 'channel', 'start_at'])
      .where('content_hash', 'is', null)
      .limit(100)
      .execute();
    if (rows.length === 0) break;
    for (const row of rows)
      await db
        .updateTable('campaigns')
        .set({ content_hash: campaignContentHash(row) })
        .where('id', '=', row.id)
        .execute();
  }
  await db.schema
    .alterTable('campaigns')
    .alterColumn('content_hash', (c) => c.setNotNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('campaigns').dropColumn('content_hash').execute();
}
