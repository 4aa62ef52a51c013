import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { queuePrefix } from '../../queues/define.js';
import { deliveriesQueue } from '../../queues/deliveries.js';
import { createApp } from '../../src/api/app.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { clusterUnsupported, type LocalCluster, startLocalCluster } from '../support/redis-cluster.js';
import { seedUsers } from '../support/seed-users.js';
import { TestDownstream } from '../support/test-downstream.js';
import { bearer, TOKENS } from '../support/tokens.js';
import { waitFor } from '../support/wait-for.js';
import { configFile, startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';

const SECRET = 'downstream-secret-0123456789';
const unsupported = await clusterUnsupported();
if (unsupported) process.stdout.write(`# skipping the Redis Cluster campaign tests: ${unsupported}\n`);

// Campaigns on three masters with a replica each (loopback ports, started and stopped by this
// file), delivered by worker processes that run every queue, the Ops control loop included.
describe('campaigns on a Redis Cluster', { skip: unsupported ?? false }, () => {
  let cluster: LocalCluster;
  let ctx: TestContext;
  let app: ReturnType<typeof createApp>;
  let configPath: string;
  const workers: WorkerProcess[] = [];
  const downstream = new TestDownstream(SECRET);
  const call = (method: string, path: string, body?: unknown) =>
    app.request(path, body === undefined ? { method, headers: bearer(TOKENS.operator) } : { method, headers: { ...bearer(TOKENS.operator), 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const status = async (id: string) => {
    const response = await call('GET', `/api/v1/campaigns/${id}`);
    // Mid-failover the producer connection fails fast: a 5xx is a retry, not a result.
    if (response.status !== 200) return { status: `http ${response.status}`, progress: { delivered: -1 } };
    return (await response.json()) as { status: string; progress: { delivered: number } };
  };
  const startWorkers = async (count: number, queues: string) => {
    const started = Array.from({ length: count }, () => startWorkerProcess(configPath, queues));
    workers.push(...started);
    await Promise.all(started.map((w) => w.ready));
    return started;
  };
  const stopWorkers = async (list: WorkerProcess[]) => {
    for (const w of list) w.child.kill('SIGTERM');
    return Promise.all(list.map((w) => w.exited));
  };
  /** Errors the worker processes logged, to say why a wait timed out. */
  const workerErrors = () =>
    workers.flatMap((w) => w.output().split('\n').filter((line) => /"level":(50|60)|Error/.test(line))).slice(-5).map((line) => line.slice(0, 400)).join('\n');
  const completion = (id: string, timeoutMs: number, what: string) =>
    waitFor(async () => (await status(id)).status === 'completed', { timeoutMs, what }).catch((error: Error) => {
      throw new Error(`${error.message}; worker errors:\n${workerErrors()}`);
    });

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

  async function assertEveryRecipientOnce(id: string, users: string[]) {
    const rows = await ctx.deps.db.selectFrom('deliveries').select(['user_id', 'status']).where('campaign_id', '=', id).execute();
    assert.equal(rows.length, users.length);
    assert.equal(new Set(rows.map((r) => r.user_id)).size, users.length);
    assert.ok(rows.every((r) => r.status === 'delivered'), 'every recipient delivered');
    assert.ok(users.every((u) => (downstream.seen.get(`${id}:${u}`) ?? 0) >= 1), 'every recipient reached the downstream');
  }

  before(async () => {
    cluster = await startLocalCluster({ masters: 3, replicasPerMaster: 1 });
    await downstream.start();
    ctx = await createTestContext({
      redisUrl: cluster.url,
      config: {
        redis: { url: cluster.url, cluster: true },
        workers: { lockDurationSec: 3, shutdownTimeoutSec: 10 },
        campaigns: { reconcileEverySec: 2 },
      },
    });
    app = createApp(ctx.deps);
    await seedUsers(ctx.deps.db, 3000);
    configPath = configFile(ctx.configYaml);
  });
  after(async () => {
    for (const w of workers) w.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    await ctx?.cleanup();
    await downstream.stop();
    await cluster?.stop();
  });

  it('keeps two worker processes together within one concurrency limit, measured at the downstream', async () => {
    const started = await startWorkers(2, '');
    downstream.latencyMs = 30;
    downstream.maxInFlight = 0;
    const users = Array.from({ length: 600 }, (_, i) => `u${String(i).padStart(5, '0')}`);
    const id = await launch('cluster-limit', users, { concurrency: 3 });
    await completion(id, 90_000, 'completion');
    assert.ok(downstream.maxInFlight <= 3, `max in flight ${downstream.maxInFlight}`);
    assert.ok(downstream.maxInFlight >= 2, 'the limit was actually used');
    await assertEveryRecipientOnce(id, users);
    await stopWorkers(started);
  });

  it('completes a campaign when the master holding the deliveries queue is killed mid-campaign, every recipient once in Postgres', async () => {
    await startWorkers(2, '');
    downstream.latencyMs = 5;
    const users = Array.from({ length: 2000 }, (_, i) => `u${String(1000 + i).padStart(5, '0')}`);
    const id = await launch('cluster-failover', users, { concurrency: 8 });
    await waitFor(async () => (await status(id)).progress.delivered >= 300, { timeoutMs: 30_000, what: 'some deliveries' });
    const waitKey = `${queuePrefix(ctx.deps.queues.prefix, deliveriesQueue.name)}:${deliveriesQueue.name}:wait`;
    const victim = await cluster.masterFor(waitKey);
    await cluster.kill(victim);
    const count = async () =>
      (await ctx.deps.db.selectFrom('deliveries').select((eb) => eb.fn.countAll<number>().as('n')).where('campaign_id', '=', id).where('status', '=', 'delivered').executeTakeFirstOrThrow()).n;
    assert.ok((await count()) < users.length, 'the failover came mid-campaign');
    await cluster.waitHealthy(60_000);
    assert.notEqual((await cluster.masterFor(waitKey)).port, victim.port, 'a replica took over the slot');
    await completion(id, 150_000, 'completion after the failover');
    await assertEveryRecipientOnce(id, users);
  });
});
