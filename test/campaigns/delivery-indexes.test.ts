import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createTestContext, type TestContext } from '../support/deps.js';

// Materialisation inserts every delivery row into each of the table's indexes, and each result
// write inserts the row's new version into each again. With four, two of them holding every row
// by status, 1,000,000 rows materialised at 48-49k rows/s (bench/materialise-chunks.ts).
describe('the deliveries table', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext();
  });
  after(() => ctx.cleanup());

  it('is indexed for sending only: its key, (campaign, user), and the rows still to send by batch', async () => {
    const { rows } = await sql<{ indexname: string; indexdef: string }>`
      select indexname, indexdef from pg_indexes where schemaname = current_schema() and tablename = 'deliveries' order by indexname`.execute(ctx.deps.db);
    assert.deepEqual(
      rows.map((r) => r.indexname),
      ['deliveries_campaign_user', 'deliveries_outstanding', 'deliveries_pkey'],
    );
    const outstanding = rows.find((r) => r.indexname === 'deliveries_outstanding')!.indexdef;
    assert.match(outstanding, /\(campaign_id, batch_no\) WHERE \(status = ANY \(ARRAY\['pending'::text, 'retry'::text\]\)\)/, outstanding);
  });
});
