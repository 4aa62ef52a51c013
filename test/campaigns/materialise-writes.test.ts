import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createTestContext, type TestContext } from '../support/deps.js';

// A materialisation chunk inserts 10,000 delivery rows in one statement: a per-row trigger
// (the foreign key check to campaigns was one) ran 10,000 times per chunk, a quarter of its time.
describe('a materialisation chunk', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext({ config: { ops: { enabled: false } } });
  });
  after(() => ctx.cleanup());

  it('fires no per-row trigger on deliveries', async () => {
    const { rows } = await sql<{ tgname: string }>`
      select tgname from pg_trigger where tgrelid = ${`${ctx.schema}.deliveries`}::regclass and (tgtype & 1) = 1`.execute(ctx.deps.db);
    assert.deepEqual(rows, []);
  });
});
