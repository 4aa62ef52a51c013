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

// A full-suite run at load 10-15 saw 6 requests in flight under a cap of 3 (two worker processes,
// test/cluster/cluster-campaign.test.ts). Two ways there, both reproduced: a worker stalled past
// its lease's lifetime between asking for it and sending (SIGSTOP 2.5 s), and a downstream slower
// than the timeout, still working on the requests the workers gave up on (its process held 1.3 s).
describe('the concurrency cap, measured at the downstream', () => {
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

  /** A running campaign capped at one request in flight; its leases live the timeout and two seconds (the timeout fires late). */
  async function capped(name: string, userIds: string[], timeoutMs = 100) {
    const input = campaignInputSchema.parse({
      name,
      audience: { type: 'list', userIds },
      template: 'Hi {{user.name}}',
      channel: { url: downstream.url, secret: SECRET, timeoutMs },
    });
    const campaign = await createCampaign(ctx.deps, input, 'olivia', `trace-${name}`);
    await ctx.deps.runtime.setCap(campaign.id, { concurrency: 1 });
    await startCampaign(ctx.deps, campaign.id, `trace-${name}`, 'olivia', { by: 'policy' });
    await materialise(ctx.deps, campaign.id, `trace-${name}`);
    downstream.maxInFlight = 0;
    return campaign;
  }

  it('holds when a worker stalled past its lease between asking and sending: the lapsed lease is not sent on', async () => {
    const campaign = await capped('stalled', ['u00000', 'u00001', 'u00002']);
    const { runtime, redis } = ctx.deps;
    const host = downstreamOf(downstream.url);

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

  it('holds when a request timed out while the downstream still works on it: its slot stays taken', async () => {
    // Timeout 1 s (it fires after ~1.5 s), leases 3 s. The first request takes 2.2 s at the downstream; the next ones are quick.
    const campaign = await capped('slow', ['u00010', 'u00011'], 1000);
    const arrivedBefore = downstream.arrivals.length;
    downstream.latencyMs = 2200;
    const first = waitFor(() => downstream.arrivals.length > arrivedBefore, { timeoutMs: 5000, what: 'the first request' }).then(() => {
      downstream.latencyMs = 0;
    });
    await assert.rejects(
      deliverBatch(ctx.deps, { campaignId: campaign.id, batchNo: 0, traceId: 'trace-slow' }),
      /1 deliveries of batch 0 failed and will be retried/,
    );
    await first;
    await waitFor(() => downstream.inFlight === 0, { timeoutMs: 5000, what: 'the slow request to end' });
    assert.equal(downstream.arrivals.length - arrivedBefore, 2, 'both requests reached the downstream');
    assert.equal(downstream.maxInFlight, 1, `max in flight ${downstream.maxInFlight} under a cap of 1`);
  });

  it('counts an unanswered request in doubt, and a refused connection not (nothing was written)', async () => {
    const channel = { url: downstream.url, headers: {}, mode: 'single' as const, maxBatch: 1, timeoutMs: 100 };
    const request = { campaignId: 'c', idempotencyKey: 'c:doubt', body: {} };
    downstream.latencyMs = 2500;
    const unanswered = await ctx.deps.downstream.request(channel, SECRET, request);
    downstream.latencyMs = 0;
    assert.deepEqual([unanswered.ok, unanswered.status, unanswered.inDoubt], [false, null, true]);
    const closed = await ctx.deps.downstream.request({ ...channel, url: 'http://127.0.0.1:1/deliver' }, SECRET, request);
    assert.deepEqual([closed.ok, closed.status, closed.inDoubt], [false, null, false], closed.error ?? '');
    await waitFor(() => downstream.inFlight === 0, { timeoutMs: 5000, what: 'the slow request to end' });
  });
});
