import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import { MetricsTime, Worker } from 'bullmq';
import { queuePrefix } from '../../queues/define.js';
import type { RedisClient as Redis } from '../../src/redis/connect.js';
import { diagnosticsQueue } from '../../queues/diagnostics.js';
import { createApp } from '../../src/api/app.js';
import { manualClock } from '../../src/clock.js';
import { monitorTick } from '../../src/ops/monitor.js';
import { connectRedis } from '../../src/redis/connect.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { bearer, TOKENS } from '../support/tokens.js';
import { waitFor } from '../support/wait-for.js';

const HIREFIRE_TOKEN = 'hirefire-token-0123456789';

describe('auto-scaling recommendation from the real queues', () => {
  const clock = manualClock(new Date());
  const eventLoop = monitorEventLoopDelay();
  let ctx: TestContext;
  let app: ReturnType<typeof createApp>;
  let connection: Redis;
  let webhook: Server;
  const hooks: { from: number; to: number; reason: string; traceId: string }[] = [];
  const workers: Worker[] = [];

  const startWorker = (autorun: boolean) => {
    const worker = new Worker(diagnosticsQueue.name, async () => ({}), {
      connection,
      prefix: queuePrefix(ctx.deps.queues.prefix, diagnosticsQueue.name),
      concurrency: 50,
      autorun,
      metrics: { maxDataPoints: MetricsTime.ONE_HOUR },
    });
    worker.on('error', () => {});
    workers.push(worker);
    return worker;
  };
  const enqueue = (n: number) =>
    ctx.deps.queues.enqueueBulk(diagnosticsQueue, Array.from({ length: n }, (_, i) => ({ name: 'noop', data: { echo: String(i) } })));
  const completed = async () => (await ctx.deps.queues.get(diagnosticsQueue.name).getMetrics('completed', 0, 0)).meta.count;
  let tickNo = 0;
  const tick = async (advanceSec: number) => {
    clock.advance(advanceSec * 1000);
    const { snapshot } = await monitorTick(ctx.deps, `trace-scaling-${++tickNo}`, eventLoop);
    return snapshot.scaling.processes.worker!;
  };

  before(async () => {
    webhook = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        hooks.push(JSON.parse(body));
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
    const hookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/scale`;
    ctx = await createTestContext({
      clock,
      config: {
        ops: {
          scaling: {
            minWorkers: 1,
            maxWorkers: 8,
            targetDrainSec: 60,
            scaleUpCooldownSec: 60,
            scaleDownCooldownSec: 120,
            stabilizationWindowSec: 300,
            webhookUrl: hookUrl,
            hirefireToken: HIREFIRE_TOKEN,
          },
        },
      },
    });
    app = createApp(ctx.deps);
    connection = await connectRedis(ctx.deps.redisTarget, 'worker', () => {});
    eventLoop.enable();
  });
  after(async () => {
    eventLoop.disable();
    await Promise.all(workers.map((w) => w.close(true)));
    await connection.quit();
    await ctx.cleanup();
    webhook.close();
  });

  it('rises with the backlog, holds through the stabilisation window and cooldown, then falls back once, without flapping', async () => {
    const first = startWorker(false);
    await waitFor(async () => (await ctx.deps.queues.get(diagnosticsQueue.name).getWorkersCount()) === 1, { what: 'the worker to connect' });

    // Measure one worker's throughput: 600 jobs wait at one tick and are done by the next.
    await enqueue(600);
    const unmeasured = await tick(0);
    assert.deepEqual([unmeasured.desiredWorkers, unmeasured.currentWorkers], [1, 1]);
    void first.run();
    await waitFor(async () => (await completed()) >= 600, { what: 'the first 600 jobs' });
    await first.pause();
    const idle = await tick(10);
    assert.equal(idle.desiredWorkers, 1);

    // 9,000 waiting at ~60/s per worker need 9000 / (60 × 60 s) = 2.5 → 3 workers.
    await enqueue(9000);
    const risen = await tick(10);
    assert.equal(risen.desiredWorkers, 3, risen.detail);
    assert.equal(risen.reason, 'backlog_drain');

    // The platform acts on the recommendation: three workers drain the backlog.
    first.resume();
    startWorker(true);
    startWorker(true);
    await waitFor(async () => (await completed()) >= 9600, { timeoutMs: 30_000, what: 'the backlog to drain' });
    await waitFor(async () => (await ctx.deps.queues.get(diagnosticsQueue.name).getWorkersCount()) === 3, { what: 'three workers' });

    // The backlog is gone, and small bursts come and go: the recommendation holds at 3 for
    // the stabilisation window (300 s from the last recommendation of 3).
    const held: number[] = [];
    for (let i = 0; i < 9; i++) {
      if (i % 2 === 0) await enqueue(20);
      held.push((await tick(30)).desiredWorkers);
    }
    assert.deepEqual(new Set(held), new Set([3]), `held ${held.join(',')}`);
    const fallen = await tick(30); // 300 s after the recommendation of 3
    assert.equal(fallen.desiredWorkers, 1, fallen.detail);
    for (let i = 0; i < 4; i++) assert.equal((await tick(30)).desiredWorkers, 1);

    // One rise and one fall: in the audit, in the webhook.
    const audit = await ctx.deps.db.selectFrom('audit_log').select(['action', 'data', 'trace_id']).where('action', '=', 'scaling.recommended').orderBy('id').execute();
    assert.deepEqual(
      audit.map((a) => [a.data.from, a.data.to]),
      [
        [1, 3],
        [3, 1],
      ],
    );
    assert.equal(audit[0]!.trace_id, 'trace-scaling-3');
    await waitFor(() => hooks.length >= 2, { what: 'the webhook calls' });
    assert.deepEqual(
      hooks.map((h) => [h.from, h.to, h.traceId]),
      [
        [1, 3, 'trace-scaling-3'],
        [3, 1, audit[1]!.trace_id],
      ],
    );
  });

  it('publishes the recommendation as a Prometheus gauge, a HireFire endpoint and through the ops API, with time in queue', async () => {
    await Promise.all(workers.map((w) => w.pause(true)));
    await enqueue(30);
    await tick(30);
    const metrics = await (await app.request('/metrics', { headers: bearer(TOKENS.viewer) })).text();
    assert.match(metrics, /flywheel_desired_workers\{process="worker"\} 1/);
    assert.match(metrics, /flywheel_current_workers\{process="worker"\} 3/);
    const age = Number(/flywheel_queue_oldest_waiting_seconds\{queue="diagnostics"\} ([\d.e+-]+)/.exec(metrics)?.[1]);
    assert.ok(age >= 0 && Number.isFinite(age), `time in queue ${age}`);

    const hirefire = await app.request(`/hirefire/${HIREFIRE_TOKEN}/info`);
    assert.equal(hirefire.status, 200);
    assert.deepEqual(await hirefire.json(), [{ name: 'worker', quantity: 1 }]);
    assert.equal((await app.request('/hirefire/wrong-token/info')).status, 404);

    for (const base of ['/api/v1', '/api/phase7']) {
      const response = await app.request(`${base}/ops/metrics?history=100`, { headers: bearer(TOKENS.viewer) });
      assert.equal(response.status, 200);
      const body = (await response.json()) as {
        current: { queues: Record<string, { backlog: number; oldestWaitingAgeMs: number | null }>; redisRttMs: number };
        history: { desiredWorkers: number | null }[];
        recommendations: { scaling: { processes: Record<string, { desiredWorkers: number }> }; launch: { downstream: string | null }[] };
      };
      assert.ok(body.current.queues.diagnostics!.backlog > 0, 'the paused workers left some of the 30 waiting');
      assert.ok((body.current.queues.diagnostics!.oldestWaitingAgeMs ?? -1) >= 0);
      assert.ok(body.history.some((h) => h.desiredWorkers === 3));
      assert.equal(body.recommendations.scaling.processes.worker!.desiredWorkers, 1);
      assert.ok(body.recommendations.launch.some((l) => l.downstream === null));
    }
    assert.equal((await app.request('/api/v1/ops/metrics?history=0', { headers: bearer(TOKENS.viewer) })).status, 400);
    assert.equal((await app.request('/api/v1/ops/metrics')).status, 401);
  });
});
