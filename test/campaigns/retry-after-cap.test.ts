import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { downstreamOf } from '../../src/campaign-runtime/keys.js';
import { createCampaign } from '../../src/campaigns/create.js';
import { DeliveriesWillRetryError, deliverBatch } from '../../src/campaigns/deliver-batch.js';
import { campaignInputSchema } from '../../src/campaigns/input.js';
import { startCampaign } from '../../src/campaigns/launch.js';
import { materialise } from '../../src/campaigns/materialise.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { seedUsers } from '../support/seed-users.js';
import { TestDownstream } from '../support/test-downstream.js';

const SECRET = 'downstream-secret-0123456789';
const MAX_OPEN_MS = 4000;

// The fleet-wide Retry-After hold took the downstream's word whatever it said: one answer
// "Retry-After: 3600" held every campaign sending there for an hour, and no resume lifts it.
describe("a downstream's Retry-After, fleet-wide", () => {
  let ctx: TestContext;
  const downstream = new TestDownstream(SECRET);

  before(async () => {
    await downstream.start();
    ctx = await createTestContext({ config: { ops: { enabled: false }, campaigns: { breaker: { maxOpenMs: MAX_OPEN_MS } } } });
    await seedUsers(ctx.deps.db, 1);
  });
  after(async () => {
    await ctx.cleanup();
    await downstream.stop();
  });

  it("holds every send to it for at most the circuit breaker's longest hold", async () => {
    const input = campaignInputSchema.parse({
      name: 'retry-after cap',
      audience: { type: 'segment', filters: {} },
      template: 'Hi',
      channel: { url: downstream.url, secret: SECRET },
    });
    const { id } = await createCampaign(ctx.deps, input, 'olivia', 'trace-retry-after-cap');
    await startCampaign(ctx.deps, id, 'trace-retry-after-cap', 'olivia', { by: 'policy' });
    await materialise(ctx.deps, id, 'trace-retry-after-cap');
    downstream.failWith = { status: 429, retryAfter: 3600 };

    await assert.rejects(deliverBatch(ctx.deps, { campaignId: id, batchNo: 0, traceId: 'trace-retry-after-cap' }), DeliveriesWillRetryError);
    assert.equal(downstream.refusedAt.length, 1);
    const hold = await ctx.deps.runtime.downstreamHold(downstreamOf(downstream.url));
    assert.ok(hold.waitMs > 0, 'the Retry-After is honoured');
    assert.ok(hold.waitMs <= MAX_OPEN_MS, `held for ${hold.waitMs} ms`);
  });
});
