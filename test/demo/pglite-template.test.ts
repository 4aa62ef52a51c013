import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openDatabase } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { clonePgliteTemplate } from '../../src/demo/pglite-template.js';

describe("the demo's empty PGlite template", () => {
  const root = mkdtempSync(join(tmpdir(), 'fw-pglite-template-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('is made once, copied for each run, holds no table, and Flywheel migrates a copy like a new folder', { timeout: 120_000 }, async () => {
    const templates = join(root, 'templates');
    const first = join(root, 'run-1', 'pgdata');
    const second = join(root, 'run-2', 'pgdata');
    // Two runs at once with no template yet: both get a cluster, one template is kept.
    assert.deepEqual((await Promise.all([clonePgliteTemplate(first, templates), clonePgliteTemplate(second, templates)])).sort(), ['created', 'created']);
    assert.deepEqual(
      readdirSync(templates).filter((name) => !name.startsWith('pglite-')),
      [],
      'no half-made template is left behind',
    );
    assert.equal(await clonePgliteTemplate(join(root, 'run-3', 'pgdata'), templates), 'cloned');
    assert.equal(await clonePgliteTemplate(first, templates), 'kept', 'an existing folder keeps its data');

    const database = await openDatabase({ url: '', pgliteDir: join(root, 'run-3', 'pgdata'), poolSize: 1 });
    try {
      const before = await sql<{ n: number }>`select count(*)::int as n from information_schema.tables where table_schema = 'public'`.execute(database.db);
      assert.equal(before.rows[0]!.n, 0, 'the template holds no table');
      const { results } = await migrateToLatest(database.db);
      assert.ok((results ?? []).length > 0 && results!.every((r) => r.status === 'Success'), 'every migration applied to the copy');
      await sql`select count(*) from campaigns`.execute(database.db);
    } finally {
      await database.close();
    }
  });
});
