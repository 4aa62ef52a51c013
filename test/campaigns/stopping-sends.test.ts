import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { deliverBatch } from '../../src/campaigns/deliver-batch.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { materialisedCampaign } from '../support/materialised.js';
import { seedUsers } from '../support/seed-users.js';
import { TestDownstream } from '../support/test-downstream.js';

const SECRET = 'downstream-secret-0123456789';

describe('a delivery batch whose worker starts stopping', () => {
  let ctx: TestContext;
  const downstream = new TestDownstream(SECRET);

  before(async () => {
    await downstream.start();
    ctx = await createTestContext({ config: { ops: { enabled: false } } });
    await seedUsers(ctx.deps.db, 20);
  });
  after(async () => {
    await ctx.cleanup();
    await downstream.stop();
  });

  // The pool handed the leases of an acquire that was out when the job's `stopping` signal fired to
  // the senders waiting for it, and they sent: a worker shutting down went on sending.
  it('sends nothing once the signal fires while its lease acquire is out, and gives the leases back', async () => {
    const campaign = await materialisedCampaign(ctx.deps, 'stopping', { url: downstream.url, secret: SECRET });

    const stopping = new AbortController();
    const redis = ctx.deps.redis;
    const { evalsha } = redis;
    // The worker starts closing just as the pool's acquire (the limiter's only three-key script) goes out.
    redis.evalsha = ((sha: string, keys: number, ...rest: unknown[]) => {
      const sent = (evalsha as unknown as (...a: unknown[]) => Promise<unknown>).call(redis, sha, keys, ...rest);
      // Once every sender of the batch waits for it (they ask in the same tick): the signal comes mid-acquire.
      if (Number(keys) === 3) queueMicrotask(() => stopping.abort());
      return sent;
    }) as typeof redis.evalsha;
    let outcome: Awaited<ReturnType<typeof deliverBatch>>;
    try {
      outcome = await deliverBatch(ctx.deps, { campaignId: campaign.id, batchNo: 0, traceId: 'trace-stopping', stopping: stopping.signal });
    } finally {
      redis.evalsha = evalsha;
    }
    assert.ok(stopping.signal.aborted, 'the acquire went out');
    assert.deepEqual(outcome, { outcome: 'paused' });
    assert.equal(downstream.messages.length, 0, `${downstream.messages.length} messages sent after the signal`);
    assert.equal(await ctx.deps.runtime.inFlight(campaign.id), 0, 'every lease granted went back');
  });
});
