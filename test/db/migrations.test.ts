import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { openDatabase } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { migrations } from '../../migrations/index.js';
import { createSchema, TEST_DATABASE_URL } from '../support/services.js';

async function tableNames(db: Parameters<typeof migrateToLatest>[0]) {
  const result = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = current_schema() order by table_name`.execute(db);
  return result.rows.map((r) => r.table_name);
}

describe('migrations', () => {
  it('apply on Postgres, and a second run changes nothing', async () => {
    const { schema, drop } = await createSchema();
    const handle = await openDatabase({ url: TEST_DATABASE_URL, pgliteDir: '', poolSize: 2, schema });
    try {
      const first = await migrateToLatest(handle.db);
      assert.equal(first.results?.length, Object.keys(migrations).length);
      const tables = await tableNames(handle.db);
      const second = await migrateToLatest(handle.db);
      assert.deepEqual(second.results, []);
      assert.deepEqual(await tableNames(handle.db), tables);
      assert.ok(tables.includes('job_runs'));
    } finally {
      await handle.close();
      await drop();
    }
  });

  it('apply on embedded PGlite, and a second run changes nothing', async () => {
    const handle = await openDatabase({ url: '', pgliteDir: 'memory://', poolSize: 1 });
    try {
      const first = await migrateToLatest(handle.db);
      assert.equal(first.results?.length, Object.keys(migrations).length);
      const tables = await tableNames(handle.db);
      assert.deepEqual((await migrateToLatest(handle.db)).results, []);
      assert.deepEqual(await tableNames(handle.db), tables);
    } finally {
      await handle.close();
    }
  });
});
