import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Cluster } from 'ioredis';
import { queuePrefix } from '../../queues/define.js';
import { schedulerLockKey } from '../../queues/schedulers.js';
import { createApp } from '../../src/api/app.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { clusterUnsupported, type LocalCluster, startLocalCluster } from '../support/redis-cluster.js';
import { bearer, TOKENS } from '../support/tokens.js';
import { waitFor } from '../support/wait-for.js';
import { configFile, startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';

const unsupported = await clusterUnsupported();
if (unsupported) process.stdout.write(`# skipping the Redis Cluster tests: ${unsupported}\n`);

// Three masters with a replica each on loopback ports, started and stopped by this file.
describe('Flywheel on a Redis Cluster', { skip: unsupported ?? false }, () => {
  let cluster: LocalCluster;
  let ctx: TestContext;
  let app: ReturnType<typeof createApp>;
  let configPath: string;
  const workers: WorkerProcess[] = [];
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

  before(async () => {
    cluster = await startLocalCluster({ masters: 3, replicasPerMaster: 1 });
    ctx = await createTestContext({
      redisUrl: cluster.url,
      config: {
        // A fixed prefix on this file's own cluster: each queue's slot comes from its hash tag
        // `{prefix:queue}`, and with a random prefix all thirteen missed one of the three shards
        // about once in 65 runs. This one puts 6, 5 and 2 queues on the shards.
        redis: { url: cluster.url, cluster: true, prefix: 'fwcluster' },
        ops: { monitor: { everySec: 1 } },
        workers: { shutdownTimeoutSec: 10 },
      },
    });
    app = createApp(ctx.deps);
    configPath = configFile(ctx.configYaml);
  });
  after(async () => {
    for (const w of workers) w.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    await ctx?.cleanup();
    await cluster?.stop();
  });

  it('connects through an ioredis Cluster and spreads the queues over the shards, each queue in one slot', async () => {
    assert.ok(ctx.deps.redis instanceof Cluster);
    const slotOf = async (key: string) => Number(await ctx.deps.redis.call('CLUSTER', 'KEYSLOT', key));
    const slots = new Set<number>();
    const masters = new Set<number>();
    for (const queue of ctx.deps.queues.all()) {
      const prefix = queuePrefix(ctx.deps.queues.prefix, queue.name);
      const keys = ['wait', 'active', 'meta', 'events', 'delayed', 'id'].map((suffix) => `${prefix}:${queue.name}:${suffix}`);
      const own = new Set(await Promise.all(keys.map(slotOf)));
      assert.equal(own.size, 1, `${queue.name}'s keys share one slot`);
      slots.add([...own][0]!);
      masters.add((await cluster.masterFor(keys[0]!)).port);
    }
    assert.equal(slots.size, ctx.deps.queues.all().length, 'each queue has a slot of its own');
    assert.equal(masters.size, 3, 'the queues spread over all three shards');
    const status = (await (await app.request('/api/v1/status', { headers: bearer(TOKENS.viewer) })).json()) as { redis: { ok: boolean; evictionPolicy: string } };
    assert.equal(status.redis.ok, true);
    assert.equal(status.redis.evictionPolicy, 'noeviction');
  });

  it('runs each scheduled tick exactly once across three worker processes', async () => {
    const started = await startWorkers(3, 'ops-monitor');
    const runs = await waitFor(async () => {
      const rows = await ctx.deps.db.selectFrom('job_runs').select('job_id').where('queue', '=', 'ops-monitor').where('status', '=', 'completed').execute();
      return rows.length >= 5 ? rows : undefined;
    }, { what: 'five ticks', timeoutMs: 60_000 });
    assert.deepEqual(await stopWorkers(started), [0, 0, 0]);
    const all = await ctx.deps.db.selectFrom('job_runs').select('job_id').where('queue', '=', 'ops-monitor').orderBy('job_id').execute();
    const ids = all.map((r) => r.job_id);
    assert.equal(new Set(ids).size, ids.length, `a tick ran twice: ${ids.join(', ')}`);
    const ticks = ids.map((id) => Number(id.split(':').pop())).sort((a, b) => a - b);
    // BullMQ skips, never backfills, a period its scheduler saw pass (a loaded machine): ticks are
    // whole periods apart, and never two in one period.
    for (let i = 1; i < ticks.length; i++) {
      const gap = ticks[i]! - ticks[i - 1]!;
      assert.ok(gap >= 1000 && gap % 1000 === 0, `ticks ${gap} ms apart: ${ids.join(', ')}`);
    }
    assert.ok(runs.length >= 5);
    // The scheduler lock is a single key: it was taken and released on the shard its slot lives on.
    assert.equal(await ctx.deps.redis.exists(schedulerLockKey(ctx.deps.queues.prefix)), 0);
  });
});
