import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { campaignKeys } from '../../src/campaign-runtime/keys.js';
import { createCampaign } from '../../src/campaigns/create.js';
import { deliverBatch } from '../../src/campaigns/deliver-batch.js';
import { campaignInputSchema } from '../../src/campaigns/input.js';
import { startCampaign } from '../../src/campaigns/launch.js';
import { materialise } from '../../src/campaigns/materialise.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { seedUsers } from '../support/seed-users.js';
import { TestDownstream } from '../support/test-downstream.js';

const SECRET = 'downstream-secret-0123456789';

// A batch job sized its requests from Redis's limits hash alone: once Redis had lost it (a
// FLUSHALL, a restart without persistence) the operator's batch-size cap read as absent, and
// the job's requests went out at the channel's maxBatch until something restored the hash.
describe("an operator's batch-size cap when Redis has lost the campaign's limits", () => {
  let ctx: TestContext;
  const downstream = new TestDownstream(SECRET);

  before(async () => {
    await downstream.start();
    ctx = await createTestContext({ config: { ops: { enabled: false } } });
    await seedUsers(ctx.deps.db, 100);
  });
  after(async () => {
    await ctx.cleanup();
    await downstream.stop();
  });

  it('still bounds the recipients of every request a batch job sends', async () => {
    const input = campaignInputSchema.parse({
      name: 'batch cap',
      audience: { type: 'segment', filters: {} },
      template: 'Hi {{user.name}}',
      // A short timeout keeps the wait after a restore (the lost leases lapsing) short.
      channel: { url: downstream.url, secret: SECRET, mode: 'batch', maxBatch: 100, timeoutMs: 200 },
    });
    const { id } = await createCampaign(ctx.deps, input, 'olivia', 'trace-batch-cap');
    await startCampaign(ctx.deps, id, 'trace-batch-cap', 'olivia', { by: 'policy' });
    await materialise(ctx.deps, id, 'trace-batch-cap');
    await ctx.deps.runtime.setCap(id, { batchSize: 10 });
    // What a FLUSHALL does to this campaign's limits (the shared test Redis is not flushed).
    await ctx.deps.redis.del(campaignKeys(ctx.prefix, id).limits);

    const outcome = await deliverBatch(ctx.deps, { campaignId: id, batchNo: 0, traceId: 'trace-batch-cap' });
    assert.equal(outcome.outcome, 'done');
    assert.equal(downstream.messages.length, 100, 'every recipient was sent once');
    assert.ok(downstream.arrivals.length >= 10, `${downstream.arrivals.length} requests for 100 recipients under a cap of 10 per request`);
  });
});
