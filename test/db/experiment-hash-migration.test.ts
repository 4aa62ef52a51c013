import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { migrations } from '../../migrations/index.js';
import { openDatabase } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createSchema, TEST_DATABASE_URL } from '../support/services.js';

describe('migration 0012_experiment_hash', () => {
  it('keeps SHA-256 for every experiment created before GrowthBook bucketing existed', async () => {
    const { schema, drop } = await createSchema();
    const handle = await openDatabase({ url: TEST_DATABASE_URL, pgliteDir: '', poolSize: 2, schema });
    try {
      const before = Object.fromEntries(Object.entries(migrations).filter(([name]) => name <= '0007_growth'));
      await migrateToLatest(handle.db, before);
      // An experiment row as 0007 stored it: its allocation has no hash.
      await sql`alter table experiments drop constraint if exists experiments_campaign_id_fkey`.execute(handle.db);
      await sql`insert into experiments (id, campaign_id, key, goal_event, revenue_event, revenue_property, attribution_window_sec, control_arm, arms, allocation, allocation_mode, control_floor, min_sample_per_arm, trace_id, created_by, created_at, updated_at)
        values (gen_random_uuid(), gen_random_uuid(), 'old', 'purchase', 'revenue', 'revenue', 3600, 'A', '[]', '{"slots": 10000, "segments": []}', 'fixed', 0, 1, 't', 'me', now(), now())`.execute(handle.db);
      await migrateToLatest(handle.db);
      const row = await handle.db.selectFrom('experiments').select('allocation').where('key', '=', 'old').executeTakeFirstOrThrow();
      assert.equal(row.allocation.hash, 'sha256');
    } finally {
      await handle.close();
      await drop();
    }
  });
});
