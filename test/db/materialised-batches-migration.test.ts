import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { migrations } from '../../migrations/index.js';
import { openDatabase } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createSchema, TEST_DATABASE_URL } from '../support/services.js';

describe('migration 0016g_materialised_batches', () => {
  it('numbers the next batch of a campaign materialised before it from its recipients and maxBatch', async () => {
    const { schema, drop } = await createSchema();
    const handle = await openDatabase({ url: TEST_DATABASE_URL, pgliteDir: '', poolSize: 2, schema });
    try {
      const before = Object.fromEntries(Object.entries(migrations).filter(([name]) => name <= '0016f_deliveries_hot_updates'));
      await migrateToLatest(handle.db, before);
      // Two campaigns as 0016f left them: one halfway through materialising (jobs of maxBatch 70,
      // its last chunk 30 short of a whole batch), one not started.
      for (const [name, count] of [
        ['halfway', 1010],
        ['unstarted', 0],
      ] as const) {
        await sql`insert into campaigns (id, name, status, audience, template, reward, channel, channel_secret, max_attempts, trace_id, created_by, created_at, updated_at, materialised_count)
          values (gen_random_uuid(), ${name}, 'running', '{"type": "segment", "filters": {}}', 'Hi', '{"mechanism": "none", "amount": 0}',
                  '{"url": "http://127.0.0.1:1/", "headers": {}, "mode": "single", "maxBatch": 70, "timeoutMs": 5000}', 'secret', 3, 't', 'me', now(), now(), ${count})`.execute(
          handle.db,
        );
      }
      await migrateToLatest(handle.db);
      const rows = await handle.db.selectFrom('campaigns').select(['name', 'materialised_batches']).orderBy('name').execute();
      assert.deepEqual(rows, [
        { name: 'halfway', materialised_batches: 15 },
        { name: 'unstarted', materialised_batches: 0 },
      ]);
    } finally {
      await handle.close();
      await drop();
    }
  });
});
