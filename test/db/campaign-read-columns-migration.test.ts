import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Kysely, sql } from 'kysely';
import { migrations } from '../../migrations/index.js';
import { payloadHash } from '../../src/approvals/payload-hash.js';
import type { Audience } from '../../src/campaigns/input.js';
import { launchParams } from '../../src/campaigns/launch.js';
import { getCampaign, listCampaigns } from '../../src/campaigns/store.js';
import { openDatabase } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import type { Database } from '../../src/db/schema.js';
import { createSchema, TEST_DATABASE_URL } from '../support/services.js';

const audiences: Record<string, Audience> = {
  segment: { type: 'segment', filters: { plans: ['pro'] } },
  list: { type: 'list', userIds: ['u1', 'u2', 'u3'] },
  invitations: { type: 'list', userIds: ['u1', 'u2'], variables: { u1: { link: 'https://x/1' }, u2: { link: 'https://x/2' } } },
};
/** What the API shows of each (the list's ids counted, its variables never shown). */
const summaries: Record<string, unknown> = {
  segment: audiences.segment,
  list: { type: 'list', listed: 3 },
  invitations: { type: 'list', listed: 2, variables: '[2 recipients]' },
};
const CHANNEL = { url: 'http://127.0.0.1:1/', headers: {}, mode: 'single', maxBatch: 70, timeoutMs: 5000 };

/** Campaign rows as the version before 0016h wrote them: no audience summary, no content hash. */
async function insertAsBefore(db: Kysely<Database>, tag: string): Promise<void> {
  for (const [name, audience] of Object.entries(audiences)) {
    await sql`insert into campaigns (id, name, status, audience, template, reward, channel, channel_secret, max_attempts, trace_id, created_by, created_at, updated_at)
      values (gen_random_uuid(), ${`${tag} ${name}`}, 'draft', ${JSON.stringify(audience)}, 'Hi', '{"mechanism": "none", "amount": 0}',
              ${JSON.stringify(CHANNEL)}, 'secret', 3, 't', 'me', now(), now())`.execute(db);
  }
}

/** Each is read with its audience's summary (as createCampaign writes it) and launched under the content hash it had. */
async function readAsBefore(db: Kysely<Database>, tag: string): Promise<void> {
  const listed = await listCampaigns(db, { limit: 100, offset: 0 });
  for (const [name, audience] of Object.entries(audiences)) {
    const row = listed.find((c) => c.name === `${tag} ${name}`);
    assert.ok(row, `${tag} ${name}`);
    assert.deepEqual(row.audience_summary, summaries[name], `${tag} ${name}: its summary`);
    assert.deepEqual((await getCampaign(db, row.id))?.audience_summary, summaries[name]);
    // launchParams' content hash before 0016i, over the row: an approval pending across the deploy compares it.
    const before = payloadHash({ template: 'Hi', audience, channel: CHANNEL, startAt: null });
    assert.equal((await launchParams(db, row)).contentHash, before, `${tag} ${name}: its content hash`);
  }
}

describe('campaigns written before 0016h_campaign_audience_summary and 0016i_campaign_content_hash', () => {
  it('are read with their summary and launched under their old content hash, whether written before the migrations or by a process of that version while a deploy rolls', async () => {
    const { schema, drop } = await createSchema();
    const handle = await openDatabase({ url: TEST_DATABASE_URL, pgliteDir: '', poolSize: 2, schema });
    try {
      await migrateToLatest(handle.db, Object.fromEntries(Object.entries(migrations).filter(([name]) => name <= '0016g_materialised_batches')));
      await insertAsBefore(handle.db, 'existing');
      await migrateToLatest(handle.db);
      // The migration gave the existing rows their summary; the new columns take rows without them.
      const kept = await handle.db.selectFrom('campaigns').select(['name', 'audience_summary']).execute();
      for (const r of kept) assert.deepEqual(r.audience_summary, summaries[r.name.split(' ')[1]!], r.name);
      await insertAsBefore(handle.db, 'rolling');
      await readAsBefore(handle.db, 'existing');
      await readAsBefore(handle.db, 'rolling');
    } finally {
      await handle.close();
      await drop();
    }
  });
});
