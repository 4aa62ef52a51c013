import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { migrations } from '../../migrations/index.js';
import { payloadHash } from '../../src/approvals/payload-hash.js';
import { openDatabase } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createSchema, TEST_DATABASE_URL } from '../support/services.js';

describe('migrations 0016h_campaign_audience_summary and 0016i_campaign_content_hash', () => {
  it('summarise the audience of every campaign created before them as the API shows it, and keep its launch content hash as launches computed it', async () => {
    const { schema, drop } = await createSchema();
    const handle = await openDatabase({ url: TEST_DATABASE_URL, pgliteDir: '', poolSize: 2, schema });
    try {
      const before = Object.fromEntries(Object.entries(migrations).filter(([name]) => name <= '0016g_materialised_batches'));
      await migrateToLatest(handle.db, before);
      const audiences = {
        segment: { type: 'segment', filters: { plans: ['pro'] } },
        list: { type: 'list', userIds: ['u1', 'u2', 'u3'] },
        invitations: { type: 'list', userIds: ['u1', 'u2'], variables: { u1: { link: 'https://x/1' }, u2: { link: 'https://x/2' } } },
      };
      for (const [name, audience] of Object.entries(audiences)) {
        await sql`insert into campaigns (id, name, status, audience, template, reward, channel, channel_secret, max_attempts, trace_id, created_by, created_at, updated_at)
          values (gen_random_uuid(), ${name}, 'draft', ${JSON.stringify(audience)}, 'Hi', '{"mechanism": "none", "amount": 0}',
                  '{"url": "http://127.0.0.1:1/", "headers": {}, "mode": "single", "maxBatch": 70, "timeoutMs": 5000}', 'secret', 3, 't', 'me', now(), now())`.execute(
          handle.db,
        );
      }
      await migrateToLatest(handle.db);
      const rows = await handle.db
        .selectFrom('campaigns')
        .select(['name', 'audience_summary', 'content_hash', 'audience', 'template', 'channel'])
        .orderBy('name')
        .execute();
      // launchParams' content hash before 0016i, over the row as read (an approval pending across the migration compares it).
      for (const r of rows)
        assert.equal(r.content_hash, payloadHash({ template: r.template, audience: r.audience, channel: r.channel, startAt: null }), r.name);
      assert.deepEqual(
        rows.map(({ name, audience_summary }) => ({ name, audience_summary })),
        [
          { name: 'invitations', audience_summary: { type: 'list', listed: 2, variables: '[2 recipients]' } },
          { name: 'list', audience_summary: { type: 'list', listed: 3 } },
          { name: 'segment', audience_summary: audiences.segment },
        ],
      );
    } finally {
      await handle.close();
      await drop();
    }
  });
});
