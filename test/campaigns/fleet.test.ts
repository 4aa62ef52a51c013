import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../src/api/app.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { seedUsers } from '../support/seed-users.js';
import { TestDownstream } from '../support/test-downstream.js';
import { bearer, TOKENS } from '../support/tokens.js';
import { waitFor } from '../support/wait-for.js';
import { configFile, startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';

const SECRET = 'downstream-secret-0123456789';

describe('fleet-wide limits across worker processes', () => {
  let ctx: TestContext;
  let app: ReturnType<typeof createApp>;
  let workers: WorkerProcess[] = [];
  const downstream = new TestDownstream(SECRET);
  const call = (method: string, path: string, body?: unknown) =>
    app.request(path, body === undefined ? { method, headers: bearer(TOKENS.operator) } : { method, headers: { ...bearer(TOKENS.operator), 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const status = async (id: string) => ((await (await call('GET', `/api/v1/campaigns/${id}`)).json()) as { status: string; progress: { delivered: number } });

  async function launch(name: string, users: string[], limits: Record<string, number>) {
    const created = await call('POST', '/api/v1/campaigns', {
      name,
      audience: { type: 'list', userIds: users },
      template: 'Hi {{user.name}}',
      channel: { url: downstream.url, secret: SECRET, timeoutMs: 1000 },
    });
    assert.equal(created.status, 201, await created.clone().text());
    const { id } = (await created.json()) as { id: string };
    assert.equal((await call('PUT', `/api/v1/campaigns/${id}/limits`, limits)).status, 200);
    const launched = (await (await call('POST', `/api/v1/campaigns/${id}/launch`)).json()) as { outcome: string };
    assert.equal(launched.outcome, 'applied');
    return id;
  }

  before(async () => {
    await downstream.start();
    // Ops control off: the API's limits are the only ones, so the downstream measures exactly them.
    ctx = await createTestContext({ config: { ops: { enabled: false }, workers: { lockDurationSec: 2 }, campaigns: { reconcileEverySec: 2 } } });
    app = createApp(ctx.deps);
    await seedUsers(ctx.deps.db, 4300);
    const config = configFile(ctx.configYaml);
    // `approvals` applies each launch the policy allows.
    workers = [startWorkerProcess(config, 'deliveries,campaigns,approvals'), startWorkerProcess(config, 'deliveries,campaigns,approvals')];
    await Promise.all(workers.map((w) => w.ready));
  });
  after(async () => {
    for (const w of workers) w.child.kill('SIGKILL');
    await ctx.cleanup();
    await downstream.stop();
  });

  it('keeps two worker processes together within one concurrency limit, measured at the downstream', async () => {
    downstream.latencyMs = 30;
    downstream.maxInFlight = 0;
    const users = Array.from({ length: 600 }, (_, i) => `u${String(i).padStart(5, '0')}`);
    const id = await launch('limit', users, { concurrency: 3 });
    await waitFor(async () => (await status(id)).status === 'completed', { timeoutMs: 60_000, what: 'completion' });
    assert.ok(downstream.maxInFlight <= 3, `max in flight ${downstream.maxInFlight}`);
    assert.ok(downstream.maxInFlight >= 2, 'the limit was actually used');
  });

  it('applies a limit changed through the API within a second, and a pause stops both workers within a second', async () => {
    downstream.latencyMs = 5;
    const users = Array.from({ length: 1500 }, (_, i) => `u${String(600 + i).padStart(5, '0')}`);
    const id = await launch('live', users, { concurrency: 50, ratePerSec: 20 });
    await waitFor(async () => (await status(id)).progress.delivered >= 40, { timeoutMs: 20_000, what: 'delivery at 20/s' });
    const slow = downstream.arrivedWithin(1000);
    assert.ok(slow <= 25, `at most ~20/s before the change, saw ${slow}`);
    assert.equal((await call('PUT', `/api/v1/campaigns/${id}/limits`, { ratePerSec: 400 })).status, 200);
    const changedAt = Date.now();
    await waitFor(() => downstream.arrivals.filter((t) => t > changedAt).length >= 100, { timeoutMs: 5000, what: 'the faster rate' });
    const hundredth = downstream.arrivals.filter((t) => t > changedAt)[99]!;
    assert.ok(hundredth - changedAt < 1000, `100 requests within ${hundredth - changedAt} ms of the change`);

    assert.equal((await call('POST', `/api/v1/campaigns/${id}/pause`)).status, 200);
    const pausedAt = Date.now();
    await waitFor(() => Date.now() - pausedAt > 2000);
    const late = downstream.arrivals.filter((t) => t > pausedAt + 1000).length;
    assert.equal(late, 0, `${late} requests arrived more than a second after the pause`);
    assert.equal((await status(id)).status, 'paused');
    assert.equal((await call('POST', `/api/v1/campaigns/${id}/resume`)).status, 200);
    await waitFor(async () => (await status(id)).status === 'completed', { timeoutMs: 60_000, what: 'completion after resume' });
  });

  it("holds both processes when a downstream fails fast: one probe for the fleet, its hold doubling, and an operator's resume sends again at once", async (t) => {
    downstream.latencyMs = 0;
    downstream.failWith = { status: 500 };
    const refusedBefore = downstream.refusedAt.length;
    const users = Array.from({ length: 300 }, (_, i) => `u${String(4000 + i).padStart(5, '0')}`);
    const id = await launch('failing', users, { concurrency: 50 });
    const first = await waitFor(() => downstream.refusedAt[refusedBefore], { timeoutMs: 20_000, what: 'the first failure' });
    // After the burst in flight when the circuit opened: probes only, one at a time for both processes.
    const probes = () => downstream.refusedAt.filter((at) => at > first + 500);
    const [p1, p2] = await waitFor(() => (probes().length >= 2 ? probes() : undefined), { timeoutMs: 20_000, what: 'two probes' });
    t.diagnostic(`${downstream.refusedAt.length - refusedBefore} refused in all; probes ${p1! - first} and ${p2! - first} ms after the first failure`);
    assert.ok(p1! - first >= 900, `first probe ${p1! - first} ms after the first failure (hold 1 s)`);
    assert.ok(p2! - p1! >= 1800, `second probe ${p2! - p1!} ms after the first (its failure doubled the hold to 2 s; a probe per process would come at once)`);

    downstream.failWith = null;
    assert.equal((await call('POST', `/api/v1/campaigns/${id}/pause`)).status, 200);
    const resumed = Date.now();
    assert.equal((await call('POST', `/api/v1/campaigns/${id}/resume`)).status, 200);
    const firstSend = await waitFor(() => downstream.arrivals.find((at) => at >= resumed), { timeoutMs: 20_000, what: 'a send after the resume' });
    t.diagnostic(`first send ${firstSend - resumed} ms after the resume`);
    assert.ok(firstSend - resumed < 1500, `first send ${firstSend - resumed} ms after the resume (the hold had 4 s to run)`);
    await waitFor(async () => (await status(id)).status === 'completed', { timeoutMs: 60_000, what: 'completion after resume' });
    const rows = await ctx.deps.db.selectFrom('deliveries').select(['status', 'attempts']).where('campaign_id', '=', id).execute();
    assert.ok(rows.every((r) => r.status === 'delivered'), 'nothing dead-lettered');
  });

  it('completes a campaign after kill -9 of a worker mid-campaign, with no recipient lost or recorded twice', async () => {
    downstream.latencyMs = 5;
    const users = Array.from({ length: 1900 }, (_, i) => `u${String(2100 + i).padStart(5, '0')}`);
    const id = await launch('crash', users, { concurrency: 8 });
    await waitFor(async () => (await status(id)).progress.delivered >= 300, { timeoutMs: 20_000, what: 'some deliveries' });
    workers[0]!.child.kill('SIGKILL');
    await workers[0]!.exited;
    await waitFor(async () => (await status(id)).status === 'completed', { timeoutMs: 90_000, what: 'completion by the surviving worker' });
    const rows = await ctx.deps.db.selectFrom('deliveries').select(['user_id', 'status']).where('campaign_id', '=', id).execute();
    assert.equal(rows.length, 1900);
    assert.equal(new Set(rows.map((r) => r.user_id)).size, 1900);
    assert.ok(rows.every((r) => r.status === 'delivered'));
    const keys = users.map((u) => downstream.seen.get(`${id}:${u}`) ?? 0);
    assert.ok(keys.every((n) => n >= 1), 'every recipient reached the downstream');
    const resent = keys.filter((n) => n > 1).length;
    // Resends are bounded by what the killed worker had sent but not yet recorded: its 8 requests in
    // flight plus the answers waiting for the next result flush (resultFlushMs 20 ms at 5 ms latency: 8 x 4).
    assert.ok(resent <= 8 + 32, `${resent} recipients were resent (at most the 8 in flight and 32 unflushed at the kill, with the same idempotency key)`);
  });
});
