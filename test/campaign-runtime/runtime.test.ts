import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createCampaign } from '../../src/campaigns/create.js';
import { campaignInputSchema } from '../../src/campaigns/input.js';
import { transition } from '../../src/campaigns/store.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { seedUsers } from '../support/seed-users.js';

describe('the campaign runtime', () => {
  let ctx: TestContext;
  let id: string;
  const host = '127.0.0.1:9';

  async function runningCampaign(name: string) {
    const input = campaignInputSchema.parse({
      name,
      audience: { type: 'segment', filters: {} },
      template: 'Hi',
      channel: { url: 'http://127.0.0.1:9/x', secret: 'downstream-secret-0123456789' },
    });
    const created = (await createCampaign(ctx.deps, input, 'olivia', `trace-${name}`)).id;
    await transition(ctx.deps.db, created, ['draft'], 'running', new Date());
    return created;
  }

  before(async () => {
    ctx = await createTestContext({ config: { ops: { enabled: true } } });
    await seedUsers(ctx.deps.db, 5);
    id = await runningCampaign('runtime');
  });
  after(() => ctx.cleanup());

  /** Asks for many leases, again and again: what the limits let one holder take. */
  async function takeAll(leaseMs = 5000, tries = 20) {
    const held: string[] = [];
    for (let i = 0; i < tries; i++) {
      const got = await ctx.deps.runtime.acquire(id, host, 100, leaseMs, { maxWaitMs: 20 });
      if (got.ok) held.push(...got.leases.ids);
      else assert.notEqual(got.reason, 'missing');
    }
    return held;
  }

  it('writes an operator cap to Postgres first, and the limiter applies it over the controller', async () => {
    await ctx.deps.db.transaction().execute((trx) => ctx.deps.runtime.start(id, trx));
    await ctx.deps.runtime.setCap(id, { concurrency: 2, ratePerSec: 1000 });
    const row = await ctx.deps.db.selectFrom('campaigns').select('limits_cap').where('id', '=', id).executeTakeFirstOrThrow();
    assert.deepEqual(row.limits_cap, { concurrency: 2, ratePerSec: 1000 });
    await ctx.deps.runtime.publish(id, { concurrency: 50, ratePerSec: 5000 });
    assert.deepEqual(await ctx.deps.runtime.limits(id), { concurrency: 2, ratePerSec: 1000, batchSize: undefined, paused: false });
    const held = await takeAll();
    assert.equal(held.length, 2, 'bulk acquires get no more than the cap allows');
    await ctx.deps.runtime.release(id, held);
    assert.equal(await ctx.deps.runtime.inFlight(id), 0);
  });

  it('fails closed: limits lost from Redis are restored from Postgres before any lease is granted, after the lost leases lapse', async () => {
    await ctx.deps.runtime.setCap(id, { concurrency: 3 });
    const keys = await ctx.deps.redis.keys(`{${ctx.prefix}:campaign:${id}}:*`);
    assert.ok(keys.length > 0);
    await ctx.deps.redis.del(...keys);
    // Leases of 400 ms: the ones lost with the keys lapse that soon, and only then is anything granted.
    const first = await ctx.deps.runtime.acquire(id, host, 1, 400, { maxWaitMs: 0 });
    assert.equal(first.ok, false, 'nothing is granted while the lost leases may still be in flight');
    const waited = await ctx.deps.runtime.acquire(id, host, 1, 400, { maxWaitMs: 3000 });
    assert.ok(waited.ok);
    await ctx.deps.runtime.release(id, waited.leases.ids);
    const held = await takeAll(400, 4);
    assert.equal(held.length, 3, 'the cap from Postgres holds from the first grant after the loss');
    await ctx.deps.runtime.release(id, held);
  });

  it('restores a paused campaign paused, so nothing is sent for it', async () => {
    await transition(ctx.deps.db, id, ['running'], 'paused', new Date());
    const keys = await ctx.deps.redis.keys(`{${ctx.prefix}:campaign:${id}}:*`);
    await ctx.deps.redis.del(...keys);
    const got = await ctx.deps.runtime.acquire(id, host, 1, 100, { maxWaitMs: 300 });
    assert.equal(got.ok, false);
    assert.equal(!got.ok && got.reason, 'paused');
    await transition(ctx.deps.db, id, ['paused'], 'running', new Date());
    await ctx.deps.runtime.resume(id);
  });

  it('keeps every key of one campaign under one hash tag (one Redis Cluster slot)', async () => {
    await ctx.deps.runtime.recordSamples(id, [{ at: Date.now(), latencyMs: 1, ok: true }]);
    await ctx.deps.runtime.saveControl(id, { any: 1 });
    const keys = await ctx.deps.redis.keys(`*${id}*`);
    const tags = new Set(keys.filter((k) => !k.includes(':running')).map((k) => /\{([^}]+)\}/.exec(k)?.[1]));
    assert.deepEqual([...tags], [`${ctx.prefix}:campaign:${id}`], keys.join(', '));
    assert.ok(keys.length >= 3, keys.join(', '));
  });

  it('bulk grants never exceed the rate cap over a second', async () => {
    await ctx.deps.runtime.setCap(id, { concurrency: 1000, ratePerSec: 20 });
    await ctx.deps.db.transaction().execute((trx) => ctx.deps.runtime.start(id, trx));
    const started = Date.now();
    let granted = 0;
    while (Date.now() - started < 1000) {
      const got = await ctx.deps.runtime.acquire(id, host, 8, 5000, { maxWaitMs: 0 });
      if (got.ok) {
        granted += got.leases.ids.length;
        await ctx.deps.runtime.release(id, got.leases.ids);
      }
    }
    assert.ok(granted <= 20 + 2, `${granted} leases in a second at 20/s`);
    assert.ok(granted >= 10, `${granted} leases in a second at 20/s`);
  });

  it('holds sends to a downstream while it asked to wait (Retry-After)', async () => {
    await ctx.deps.runtime.blockDownstream(host, 10_000);
    const got = await ctx.deps.runtime.acquire(id, host, 1, 5000, { maxWaitMs: 50 });
    assert.equal(got.ok, false);
    const other = await ctx.deps.runtime.acquire(id, '127.0.0.1:10', 1, 5000, { maxWaitMs: 50 });
    assert.ok(other.ok);
    await ctx.deps.runtime.release(id, other.leases.ids);
  });

  it('a held downstream costs no leases and no rate tokens: the first send after the hold goes at once', async () => {
    const other = '127.0.0.1:11';
    // A campaign of its own: its token bucket starts full, not at what the earlier tests left of theirs.
    const id = await runningCampaign('runtime-hold');
    // A token every 2 s, burst 1: a token spent by an attempt during the hold would cost 2 s.
    await ctx.deps.runtime.setCap(id, { concurrency: 1000, ratePerSec: 0.5 });
    await ctx.deps.db.transaction().execute((trx) => ctx.deps.runtime.start(id, trx));
    await ctx.deps.runtime.blockDownstream(other, 300);
    const started = Date.now();
    const got = await ctx.deps.runtime.acquire(id, other, 1, 5000, { maxWaitMs: 3000 });
    const waited = Date.now() - started;
    assert.ok(got.ok, 'a lease once the hold lapsed');
    await ctx.deps.runtime.release(id, got.leases.ids);
    assert.ok(waited >= 250 && waited < 1200, `granted ${waited} ms after asking, with a 300 ms hold`);
    assert.equal(await ctx.deps.runtime.inFlight(id), 0, 'nothing granted during the hold is left held');
  });
  it('reports the most leases held at once since the controller last asked, however many holders took them', async () => {
    // A downstream of its own: the earlier case holds `host` for 10 s.
    const free = '127.0.0.1:12';
    const id = await runningCampaign('runtime-peak');
    await ctx.deps.db.transaction().execute((trx) => ctx.deps.runtime.start(id, trx));
    await ctx.deps.runtime.publish(id, { concurrency: 10, ratePerSec: 1000 });
    await ctx.deps.runtime.takePeakInFlight(id);
    // Two holders (two worker processes) take 3 and 4; the first gives its 3 back before anyone asks.
    const take = async (n: number) => {
      const ids: string[] = [];
      while (ids.length < n) {
        const got = await ctx.deps.runtime.acquire(id, free, n - ids.length, 5000, { maxWaitMs: 1000 });
        assert.ok(got.ok, JSON.stringify(got));
        ids.push(...got.leases.ids);
      }
      return { leases: { ids } };
    };
    const a = await take(3);
    const b = await take(4);
    await ctx.deps.runtime.release(id, a.leases.ids);
    assert.equal(await ctx.deps.runtime.inFlight(id), 4);
    assert.equal(await ctx.deps.runtime.takePeakInFlight(id), 7, 'the peak, not what is held when asked');
    assert.equal(await ctx.deps.runtime.takePeakInFlight(id), 4, 'the next period starts at what is still held');
    await ctx.deps.runtime.release(id, b.leases.ids);
    assert.equal(await ctx.deps.runtime.takePeakInFlight(id), 4);
    assert.equal(await ctx.deps.runtime.takePeakInFlight(id), 0);
  });
});
