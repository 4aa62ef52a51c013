import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { campaignKeys } from '../../src/campaign-runtime/keys.js';
import { CampaignRuntime } from '../../src/campaign-runtime/runtime.js';
import { createCampaign } from '../../src/campaigns/create.js';
import { pauseCampaign } from '../../src/campaigns/control.js';
import { campaignInputSchema } from '../../src/campaigns/input.js';
import { transition } from '../../src/campaigns/store.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { seedUsers } from '../support/seed-users.js';
import { waitFor } from '../support/wait-for.js';

const BREAKER = { failures: 3, openMs: 300, maxOpenMs: 1000 };
const FAILED = { failed: true, inDoubt: false };
const OK = { failed: false, inDoubt: false };

describe("a downstream's circuit breaker, fleet-wide", () => {
  let ctx: TestContext;
  let id: string;
  /** Two worker processes' runtimes: one Redis, nothing else shared. */
  let a: CampaignRuntime;
  let b: CampaignRuntime;
  let hostNo = 0;
  /** A downstream of each test's own, so one test's hold never reaches the next. */
  const freshHost = () => `127.0.0.1:${20_000 + hostNo++}`;

  before(async () => {
    ctx = await createTestContext({ config: { ops: { enabled: false } } });
    await seedUsers(ctx.deps.db, 5);
    const input = campaignInputSchema.parse({
      name: 'breaker',
      audience: { type: 'segment', filters: {} },
      template: 'Hi',
      channel: { url: 'http://127.0.0.1:9/x', secret: 'downstream-secret-0123456789' },
    });
    id = (await createCampaign(ctx.deps, input, 'olivia', 'trace-breaker')).id;
    await transition(ctx.deps.db, id, ['draft'], 'running', new Date());
    const options = { db: ctx.deps.db, redis: ctx.deps.redis, prefix: ctx.prefix, initialLimit: 100, breaker: BREAKER };
    a = new CampaignRuntime(options);
    b = new CampaignRuntime(options);
    await ctx.deps.db.transaction().execute((trx) => a.start(id, trx));
  });
  after(() => ctx.cleanup());

  /** Sends `outcomes.length` requests through process a's pool, one after the other. */
  async function answer(host: string, ...outcomes: { failed: boolean; inDoubt: boolean }[]) {
    const pool = a.joinPool(id, host, 1000);
    try {
      for (const outcome of outcomes) {
        const lease = await pool.take();
        assert.equal(typeof lease, 'string', `a lease for ${host}`);
        await pool.answered(lease as string, outcome);
      }
    } finally {
      await a.leavePool(pool);
    }
  }

  const tryOnce = (runtime: CampaignRuntime, host: string, want = 4) => runtime.acquire(id, host, want, 2000, { maxWaitMs: 0 });
  async function released(got: Awaited<ReturnType<typeof tryOnce>>) {
    if (got.ok) await a.release(id, got.leases.ids);
    return got;
  }
  const halfOpen = (host: string) => waitFor(async () => (await a.downstreamHold(host)).circuit === 'half_open', { timeoutMs: 5000, what: 'the hold to end' });

  it("one process's failures in a row hold every process's sends to that downstream, and to no other", async () => {
    const host = freshHost();
    await answer(host, FAILED, FAILED, OK, FAILED, FAILED);
    assert.equal((await a.downstreamHold(host)).circuit, 'closed', 'a success in between starts the count again');
    await answer(host, FAILED);
    const hold = await a.downstreamHold(host);
    assert.equal(hold.circuit, 'open');
    assert.equal(hold.holdMs, BREAKER.openMs);
    const other = await released(await tryOnce(b, host));
    assert.ok(!other.ok && other.retryInMs > 0, `the other process is held: ${JSON.stringify(other)}`);
    assert.ok((await released(await tryOnce(b, freshHost()))).ok, 'another downstream is not');
  });

  it('once the hold is over, one probe goes for the whole fleet; its success lets everyone send again', async () => {
    const host = freshHost();
    await answer(host, FAILED, FAILED, FAILED);
    await halfOpen(host);
    const probe = await tryOnce(a, host, 4);
    assert.ok(probe.ok && probe.leases.probe !== undefined, 'a probe lease');
    assert.equal(probe.leases.ids.length, 1, 'one lease, however many were asked for');
    const meanwhile = await released(await tryOnce(b, host));
    assert.ok(!meanwhile.ok && meanwhile.retryInMs > 0, `everyone else waits for the probe: ${JSON.stringify(meanwhile)}`);
    await a.release(id, probe.leases.ids);

    // The same through a pool, as senders do: the probe's success closes the circuit everywhere.
    const pool = a.joinPool(id, host, 1000);
    await waitFor(async () => !(await a.downstreamHold(host)).probing, { timeoutMs: 5000, what: 'the first probe to lapse' });
    const lease = await pool.take();
    assert.equal((await a.downstreamHold(host)).probing, true);
    await pool.answered(lease as string, OK);
    await a.leavePool(pool);
    assert.equal((await a.downstreamHold(host)).circuit, 'closed');
    const after = await released(await tryOnce(b, host, 4));
    assert.ok(after.ok && after.leases.ids.length === 4 && after.leases.probe === undefined, JSON.stringify(after));
  });

  // The reviewer's case: the breaker check claimed the probe, then the campaign's own script failed;
  // the claim stayed until it lapsed (its lease lifetime), holding every process's sends meanwhile.
  it('gives a claimed probe back at once when the acquire that claimed it fails', async () => {
    const host = freshHost();
    await answer(host, FAILED, FAILED, FAILED);
    await halfOpen(host);
    const input = campaignInputSchema.parse({
      name: 'broken',
      audience: { type: 'segment', filters: {} },
      template: 'Hi',
      channel: { url: 'http://127.0.0.1:9/x', secret: 'downstream-secret-0123456789' },
    });
    const broken = (await createCampaign(ctx.deps, input, 'olivia', 'trace-broken')).id;
    await transition(ctx.deps.db, broken, ['draft'], 'running', new Date());
    await ctx.deps.db.transaction().execute((trx) => a.start(broken, trx));
    // Its lease set is not a sorted set any more: the campaign's script fails (WRONGTYPE).
    await ctx.deps.redis.set(campaignKeys(ctx.prefix, broken).leases, 'not a zset');
    await assert.rejects(a.acquire(broken, host, 1, 60_000, { maxWaitMs: 0 }), /WRONGTYPE/);
    assert.equal((await a.downstreamHold(host)).probing, false, 'no probe claim left behind');
    const probe = await tryOnce(b, host, 1);
    assert.ok(probe.ok && probe.leases.probe !== undefined, `another process probes at once: ${JSON.stringify(probe)}`);
    await a.release(id, probe.leases.ids);
  });

  it('each failed probe doubles the hold, up to maxOpenMs', async () => {
    const host = freshHost();
    await answer(host, FAILED, FAILED, FAILED);
    const holds = [(await a.downstreamHold(host)).holdMs];
    for (let i = 0; i < 3; i++) {
      await halfOpen(host);
      await answer(host, FAILED);
      holds.push((await a.downstreamHold(host)).holdMs);
    }
    assert.deepEqual(holds, [300, 600, 1000, 1000]);
  });

  it('a retry (a resume, a healthy Ops probe) ends the hold at once; the next send is the probe, and its failure holds for openMs again', async () => {
    const host = freshHost();
    await answer(host, FAILED, FAILED, FAILED);
    await halfOpen(host);
    await answer(host, FAILED);
    assert.equal((await a.downstreamHold(host)).holdMs, 600);
    await b.retryDownstream(host);
    assert.deepEqual(await a.downstreamHold(host), { circuit: 'half_open', holdMs: 0, waitMs: 0, probing: false });
    const probe = await tryOnce(a, host);
    assert.ok(probe.ok && probe.leases.probe !== undefined, 'the first send after the retry is the probe');
    await a.release(id, probe.leases.ids);
    await b.retryDownstream(host);
    await answer(host, FAILED);
    const hold = await a.downstreamHold(host);
    assert.equal(hold.circuit, 'open');
    assert.equal(hold.holdMs, BREAKER.openMs);
    const healthy = freshHost();
    await b.retryDownstream(healthy);
    assert.equal((await a.downstreamHold(healthy)).circuit, 'closed', 'a retry leaves a closed circuit closed');
  });

  it('a probe given back unsent lets the next sender anywhere probe at once', async () => {
    const host = freshHost();
    await answer(host, FAILED, FAILED, FAILED);
    await halfOpen(host);
    const pool = a.joinPool(id, host, 1000);
    const lease = await pool.take();
    pool.give(lease as string);
    await a.leavePool(pool);
    await waitFor(async () => !(await a.downstreamHold(host)).probing, { timeoutMs: 1000, what: 'the probe claim to go' });
    const next = await released(await tryOnce(b, host));
    assert.ok(next.ok && next.leases.probe !== undefined, JSON.stringify(next));
  });

  it("a paused campaign's senders are told so at once, even while its downstream is held", async () => {
    const host = freshHost();
    await answer(host, FAILED, FAILED, FAILED);
    assert.equal((await a.downstreamHold(host)).circuit, 'open');
    assert.ok(await pauseCampaign(ctx.deps, id, 'operator pause', 'olivia', 'trace-pause'));
    const got = await tryOnce(b, host);
    assert.ok(!got.ok && got.reason === 'paused', JSON.stringify(got));
  });
});
