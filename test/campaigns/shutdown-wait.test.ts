import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../src/api/app.js';
import { downstreamOf } from '../../src/campaign-runtime/keys.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { materialised } from '../support/materialised.js';
import { seedUsers } from '../support/seed-users.js';
import { TestDownstream } from '../support/test-downstream.js';
import { bearer, TOKENS } from '../support/tokens.js';
import { waitFor } from '../support/wait-for.js';
import { configFile, startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';

const SECRET = 'downstream-secret-0123456789';

describe('shutting a worker down while its delivery job waits for a send slot', () => {
  let ctx: TestContext;
  let app: ReturnType<typeof createApp>;
  const workers: WorkerProcess[] = [];
  const downstream = new TestDownstream(SECRET);
  const call = (method: string, path: string, body?: unknown) =>
    app.request(path, body === undefined ? { method, headers: bearer(TOKENS.operator) } : { method, headers: { ...bearer(TOKENS.operator), 'content-type': 'application/json' }, body: JSON.stringify(body) });

  before(async () => {
    await downstream.start();
    ctx = await createTestContext({ config: { ops: { enabled: false }, workers: { shutdownTimeoutSec: 20 } } });
    app = createApp(ctx.deps);
    await seedUsers(ctx.deps.db, 50);
  });
  after(async () => {
    for (const w of workers) w.child.kill('SIGKILL');
    await ctx.cleanup();
    await downstream.stop();
  });

  it('gives the batch back at once, without using up an attempt, and another worker finishes it', async () => {
    const created = await call('POST', '/api/v1/campaigns', { name: 'held', audience: { type: 'segment', filters: {} }, template: 'Hi', channel: { url: downstream.url, secret: SECRET } });
    const { id } = (await created.json()) as { id: string };
    assert.equal((await call('PUT', `/api/v1/campaigns/${id}/limits`, { concurrency: 1 })).status, 200);
    assert.equal(((await (await call('POST', `/api/v1/campaigns/${id}/launch`)).json()) as { outcome: string }).outcome, 'applied');
    // No approvals or campaigns worker runs yet: apply the launch and write its batches here.
    await materialised(ctx.deps, id);
    // Someone else holds the campaign's only slot for a minute.
    const held = await ctx.deps.runtime.acquire(id, downstreamOf(downstream.url), 1, 60_000, { maxWaitMs: 1000 });
    assert.ok(held.ok);

    const config = configFile(ctx.configYaml);
    const first = startWorkerProcess(config, 'deliveries');
    workers.push(first);
    await first.ready;
    const queue = ctx.deps.queues.get('deliveries');
    const job = await waitFor(async () => (await queue.getJobs(['active']))[0], { what: 'the batch job to wait for a slot' });

    const signalled = Date.now();
    first.child.kill('SIGTERM');
    assert.equal(await first.exited, 0);
    assert.ok(Date.now() - signalled < 5000, `the worker took ${Date.now() - signalled} ms to stop (its deadline is 20 s)`);
    const after = await queue.getJob(job.id!);
    assert.ok(['delayed', 'waiting'].includes(await after!.getState()), await after!.getState());
    assert.equal(after!.attemptsMade, 0, 'giving the batch back is not a failed attempt');
    assert.equal(downstream.messages.length, 0);

    if (held.ok) await ctx.deps.runtime.release(id, held.leases.ids);
    const second = startWorkerProcess(config, 'deliveries,campaigns');
    workers.push(second);
    await waitFor(async () => ((await (await call('GET', `/api/v1/campaigns/${id}`)).json()) as { status: string }).status === 'completed', { timeoutMs: 60_000, what: 'completion by the next worker' });
    assert.equal(downstream.messages.length, 50);
  });
});
