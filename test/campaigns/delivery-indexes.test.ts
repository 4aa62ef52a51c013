import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { writeResults } from '../../src/campaigns/store.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { materialisedCampaign } from '../support/materialised.js';
import { seedUsers } from '../support/seed-users.js';

// Materialisation inserts every delivery row into each of the table's indexes, and a result write
// that is not a HOT update inserts the row's new version into each again. With four indexes, two
// of them holding rows by status, 1,000,000 rows materialised at 48-49k rows/s
// (bench/materialise-chunks.ts) and a result cost Postgres 46-48 µs (bench/result-writes.ts).
describe('the deliveries table', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext();
    await seedUsers(ctx.deps.db, 500);
  });
  after(() => ctx.cleanup());

  it('has only the indexes sending needs, none on a column a result changes', async () => {
    const { rows } = await sql<{ indexname: string; indexdef: string }>`
      select indexname, indexdef from pg_indexes where schemaname = current_schema() and tablename = 'deliveries' order by indexname`.execute(ctx.deps.db);
    assert.deepEqual(
      rows.map((r) => r.indexdef.replace(/^.* USING btree /, '')),
      ['(campaign_id, batch_no)', '(campaign_id, user_id)', '(id)'],
    );
  });

  it('takes a result write on the row’s own page: a HOT update, no new index entry', async () => {
    const campaign = await materialisedCampaign(ctx.deps, 'hot');
    const pages = async () =>
      (
        await sql<{
          id: string;
          page: string;
        }>`select id, (ctid::text::point)[0]::bigint as page from deliveries where campaign_id = ${campaign.id} order by id`.execute(ctx.deps.db)
      ).rows;
    const before = await pages();
    assert.equal(before.length, 500);
    const now = ctx.deps.clock.now();
    // Most deliveries are written once (delivered first time); a retried one may need another page.
    await writeResults(
      ctx.deps.db,
      before.map((r) => ({ id: r.id, ok: true, httpStatus: 200, latencyMs: 3, error: null, at: now })),
      3,
    );
    const after = await pages();
    const moved = after.filter((r, i) => r.page !== before[i]!.page).length;
    assert.equal(moved, 0, `${moved} of 500 rows moved to another page`);
  });
});
