import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { campaignProgress } from '../../src/campaigns/progress.js';
import { deliveryCounts, writeResults } from '../../src/campaigns/store.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { materialisedCampaign } from '../support/materialised.js';
import { seedUsers } from '../support/seed-users.js';
import { waitFor } from '../support/wait-for.js';

// A 1,000,000-recipient campaign's progress read took 0.5-2 s: it counted the campaign's rows
// by status, and its rows delivered in the last minute, on every read.
describe("a campaign's progress", () => {
  let ctx: TestContext;

  before(async () => {
    ctx = await createTestContext({ config: { ops: { enabled: false } } });
    await seedUsers(ctx.deps.db, 300);
  });
  after(() => ctx.cleanup());

  it('is kept by the writes that change it: it agrees with the rows after successes, retries, failures and a repeated write, without counting them', async () => {
    const campaign = await materialisedCampaign(ctx.deps, 'counts');
    const rows = await ctx.deps.db.selectFrom('deliveries').select('id').where('campaign_id', '=', campaign.id).orderBy('id').execute();
    assert.equal(rows.length, 300);
    const now = ctx.deps.clock.now();
    const result = (id: number, ok: boolean) => ({ id, ok, httpStatus: ok ? 200 : 500, latencyMs: 3, error: ok ? null : 'HTTP 500', at: now });
    // 200 delivered, 100 failed once (retry at 2 attempts), then 50 of those fail again (dead), and
    // the first 200 are written again (a redelivered batch): nothing moves twice.
    await writeResults(
      ctx.deps.db,
      rows.slice(0, 200).map((r) => result(r.id, true)),
      2,
    );
    await writeResults(
      ctx.deps.db,
      rows.slice(200).map((r) => result(r.id, false)),
      2,
    );
    await Promise.all([
      writeResults(
        ctx.deps.db,
        rows.slice(200, 250).map((r) => result(r.id, false)),
        2,
      ),
      writeResults(
        ctx.deps.db,
        rows.slice(0, 200).map((r) => result(r.id, true)),
        2,
      ),
    ]);
    const counted = await deliveryCounts(ctx.deps.db, campaign.id);
    assert.deepEqual(counted, { pending: 0, retry: 50, delivered: 200, dead: 50 });
    const progress = await campaignProgress(ctx.deps.db, campaign.id, new Date(now.getTime() + 1000));
    assert.deepEqual(
      { delivered: progress.delivered, failed: progress.failed, retrying: progress.retrying, remaining: progress.remaining, total: progress.total },
      { delivered: 200, failed: 50, retrying: 50, remaining: 50, total: 300 },
    );
    assert.ok(progress.ratePerSec > 0, 'the deliveries of the last minute are counted');

    // The read does not count rows: with the rows gone, it still says the same.
    await ctx.deps.db.deleteFrom('deliveries').where('campaign_id', '=', campaign.id).execute();
    const again = await campaignProgress(ctx.deps.db, campaign.id, new Date(now.getTime() + 1000));
    assert.equal(again.delivered, 200);
    assert.equal(again.ratePerSec, progress.ratePerSec);
  });

  // At 1,000,000 recipients a materialisation chunk (campaign row FOR UPDATE, then the counts
  // row) and a result write (the counts row, then a key check on the campaign row) deadlocked.
  it('a result write never waits on a materialisation chunk holding the campaign row', async () => {
    const campaign = await materialisedCampaign(ctx.deps, 'locked');
    const [row] = await ctx.deps.db.selectFrom('deliveries').select('id').where('campaign_id', '=', campaign.id).limit(1).execute();
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked: () => void = () => {};
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const chunk = ctx.deps.db.transaction().execute(async (trx) => {
      await trx.selectFrom('campaigns').select('id').where('id', '=', campaign.id).forUpdate().execute();
      locked();
      await held;
    });
    await isLocked;
    try {
      // A second bucket this campaign has none of yet: a new row in campaign_delivered_seconds.
      const write = writeResults(
        ctx.deps.db,
        [{ id: row!.id, ok: true, httpStatus: 200, latencyMs: 1, error: null, at: new Date('2030-01-01T00:00:00Z') }],
        3,
      ).then(() => 'written');
      const outcome = await Promise.race([write, waitFor(() => false, { timeoutMs: 5000 }).catch(() => 'blocked')]);
      assert.equal(outcome, 'written', 'the write went through while the campaign row was locked');
    } finally {
      release();
      await chunk;
    }
  });
});
