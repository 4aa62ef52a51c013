import assert from 'node:assert/strict';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import { Worker } from 'bullmq';
import { queuePrefix } from '../../queues/define.js';
import { createApp } from '../../src/api/app.js';
import { manualClock } from '../../src/clock.js';
import { monitorTick } from '../../src/ops/monitor.js';
import { connectRedis, type RedisClient } from '../../src/redis/connect.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { bearer, TOKENS } from '../support/tokens.js';

const HIREFIRE_TOKEN = 'hirefire-token-per-group-0123';

describe("the Ops agent's worker recommendation per worker group", () => {
  const clock = manualClock(new Date());
  const eventLoop = monitorEventLoopDelay();
  let ctx: TestContext;
  let connection: RedisClient;
  const workers: Worker[] = [];

  before(async () => {
    ctx = await createTestContext({
      clock,
      config: { ops: { scaling: { perGroup: true, minWorkers: 1, maxWorkers: 8, maxQueueAgeSec: 600, hirefireToken: HIREFIRE_TOKEN } } },
    });
    connection = await connectRedis(ctx.deps.redisTarget, 'worker', () => {});
    eventLoop.enable();
  });
  after(async () => {
    eventLoop.disable();
    await Promise.all(workers.map((w) => w.close(true)));
    await connection.quit();
    await ctx.cleanup();
  });

  it('sizes delivery, agents and notifications each from its own queues and workers, and publishes the three', async () => {
    // Two `WORKER_QUEUES=delivery` workers, held so that the jobs below stay waiting.
    for (let i = 0; i < 2; i++) {
      const worker = new Worker('deliveries', async () => ({}), { connection, prefix: queuePrefix(ctx.deps.queues.prefix, 'deliveries') });
      worker.on('error', () => {});
      await worker.pause(true);
      workers.push(worker);
    }
    const now = clock.now().getTime();
    // Waiting three times the 600 s limit in the delivery group, one and a half times in notifications.
    await ctx.deps.queues.get('deliveries').add('batch', {}, { timestamp: now - 1800_000 });
    await ctx.deps.queues.get('telegram').add('notify', {}, { timestamp: now - 900_000 });

    const { snapshot } = await monitorTick(ctx.deps, 'trace-per-group', eventLoop);
    const { processes } = snapshot.scaling;
    assert.deepEqual(Object.keys(processes), ['delivery', 'agents', 'notifications']);
    assert.equal(processes.delivery!.currentWorkers, 2);
    assert.equal(processes.delivery!.desiredWorkers, 6, processes.delivery!.detail);
    assert.match(processes.delivery!.detail, /^deliveries: oldest job waited 1800 s/);
    assert.equal(processes.notifications!.currentWorkers, 0);
    assert.equal(processes.notifications!.desiredWorkers, 2, processes.notifications!.detail);
    assert.match(processes.notifications!.detail, /^telegram:/);
    assert.equal(processes.agents!.desiredWorkers, 1, 'nothing waits in the agents group: its minimum');

    const app = createApp(ctx.deps);
    const hirefire = await app.request(`/hirefire/${HIREFIRE_TOKEN}/info`);
    assert.deepEqual(await hirefire.json(), [
      { name: 'delivery', quantity: 6 },
      { name: 'agents', quantity: 1 },
      { name: 'notifications', quantity: 2 },
    ]);
    const metrics = await (await app.request('/metrics', { headers: bearer(TOKENS.viewer) })).text();
    assert.match(metrics, /flywheel_desired_workers\{process="delivery"\} 6/);
    assert.match(metrics, /flywheel_desired_workers\{process="notifications"\} 2/);
    assert.match(metrics, /flywheel_current_workers\{process="delivery"\} 2/);
  });
});
