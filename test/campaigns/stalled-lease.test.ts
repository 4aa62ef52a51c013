import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { downstreamOf } from '../../src/campaign-runtime/keys.js';
import { createCampaign } from '../../src/campaigns/create.js';
import { deliverBatch } from '../../src/campaigns/deliver-batch.js';
import { campaignInputSchema } from '../../src/campaigns/input.js';
import { startCampaign } from '../../src/campaigns/launch.js';
import { materialise } from '../../src/campaigns/materialise.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { seedUsers } from '../support/seed-users.js';
import { TestDownstream } from '../support/test-downstream.js';
import { waitFor } from '../support/wait-for.js';

const SECRET = 'downstream-secret-0123456789';

// A full-suite run at load 10-15 saw 6 requests in flight under a cap of 3 (two worker processes):
// a process stalled past its lease's lifetime between asking for it and sending, while the other
// process was granted the lapsed slot. Here the stall is the acquire's answer held back.
describe('a lease whose holder stalled', () => {
  let ctx: TestContext;
  const downstream = new TestDownstream(SECRET);

  before(async () => {
    await downstream.start();
    ctx = await createTestContext({ config: { ops: { enabled: false } } });
    await seedUsers(ctx.deps.db, 3);
  });
  after(async () => {
    await ctx.cleanup();
    await downstream.stop();
  });

  it('is not sent on once it may have lapsed: the cap holds at the downstream while another process holds the slot', async () => {
    // Leases live 1.1 s (the 100 ms timeout and a second of slack).
    const input = campaignInputSchema.parse({
      name: 'stalled',
      audience: { type: 'list', userIds: ['u00000', 'u00001', 'u00002'] },
      template: 'Hi {{user.name}}',
      channel: { url: downstream.url, secret: SECRET, timeoutMs: 100 },
    });
    const campaign = await createCampaign(ctx.deps, input, 'olivia', 'trace-stalled');
    const { runtime, redis } = ctx.deps;
    await runtime.setCap(campaign.id, { concurrency: 1 });
    await startCampaign(ctx.deps, campaign.id, 'trace-stalled', 'olivia', { by: 'policy' });
    await materialise(ctx.deps, campaign.id, 'trace-stalled');
    const host = downstreamOf(downstream.url);
    downstream.maxInFlight = 0;

    // Another worker process, as far as Redis and the downstream can tell: it takes the slot once the
    // stalled holder's lease lapsed and keeps a request in flight at the downstream.
    let other: Promise<void> | undefined;
    const otherProcess = async () => {
      const got = await runtime.acquire(campaign.id, host, 1, 5000, { maxWaitMs: 5000 });
      assert.ok(got.ok, 'the lapsed slot is free for another process');
      downstream.latencyMs = 400;
      const sent = ctx.deps.downstream.request({ ...campaign.channel, timeoutMs: 5000 }, SECRET, {
        campaignId: campaign.id,
        idempotencyKey: `${campaign.id}:other`,
        body: { campaignId: campaign.id, userId: 'other' },
      });
      await waitFor(() => downstream.inFlight === 1, { timeoutMs: 5000, what: "the other process's request at the downstream" });
      downstream.latencyMs = 0;
      other = sent.then(() => runtime.release(campaign.id, got.leases.ids));
    };

    const { evalsha } = redis;
    let stalled = false;
    // ACQUIRE is the limiter's only three-key script. Its first grant reaches the batch only after
    // the lease lapsed in Redis and the other process is sending on the slot.
    redis.evalsha = (async (...args: Parameters<typeof evalsha>) => {
      const reply = (await (evalsha as (...a: unknown[]) => Promise<unknown>).apply(redis, args)) as [number];
      if (!stalled && Number(args[1]) === 3 && reply[0] > 0) {
        stalled = true;
        await waitFor(async () => (await runtime.inFlight(campaign.id)) === 0, { timeoutMs: 5000, what: 'the lease to lapse' });
        await otherProcess();
      }
      return reply;
    }) as typeof evalsha;
    try {
      const outcome = await deliverBatch(ctx.deps, { campaignId: campaign.id, batchNo: 0, traceId: 'trace-stalled' });
      assert.equal(outcome.outcome, 'done');
    } finally {
      redis.evalsha = evalsha;
    }
    assert.ok(stalled, 'the acquire was held back');
    await other;
    assert.equal(downstream.maxInFlight, 1, `max in flight ${downstream.maxInFlight} under a cap of 1`);
    const rows = await ctx.deps.db.selectFrom('deliveries').select('status').where('campaign_id', '=', campaign.id).execute();
    assert.deepEqual(
      rows.map((r) => r.status),
      ['delivered', 'delivered', 'delivered'],
    );
  });
});
