import assert from 'node:assert/strict';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../src/api/app.js';
import { monitorTick } from '../../src/ops/monitor.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { seedUsers } from '../support/seed-users.js';
import { TestDownstream } from '../support/test-downstream.js';
import { bearer, TOKENS } from '../support/tokens.js';
import { waitFor } from '../support/wait-for.js';
import { startTestWorkers } from '../support/workers.js';

const SECRET = 'downstream-secret-0123456789';

describe('a downstream that answers 429 with Retry-After', () => {
  let ctx: TestContext;
  let app: ReturnType<typeof createApp>;
  let workers: Awaited<ReturnType<typeof startTestWorkers>>;
  const downstream = new TestDownstream(SECRET);
  const call = (method: string, path: string, body?: unknown) =>
    app.request(path, body === undefined ? { method, headers: bearer(TOKENS.operator) } : { method, headers: { ...bearer(TOKENS.operator), 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const status = async (id: string) => (await (await call('GET', `/api/v1/campaigns/${id}`)).json()) as { status: string; progress: { delivered: number; failed: number } };

  before(async () => {
    await downstream.start();
    // Ops control off: what is measured is the delivery path's own obedience to Retry-After.
    ctx = await createTestContext({ config: { ops: { enabled: false } } });
    app = createApp(ctx.deps);
    await seedUsers(ctx.deps.db, 400);
    workers = await startTestWorkers(ctx);
  });
  after(async () => {
    await workers.stop();
    await ctx.cleanup();
    await downstream.stop();
  });

  it('sends nothing to the downstream until Retry-After has passed, then completes with every recipient delivered', async () => {
    downstream.latencyMs = 5;
    const created = await call('POST', '/api/v1/campaigns', {
      name: 'throttled',
      audience: { type: 'segment', filters: {} },
      template: 'Hi {{user.name}}',
      channel: { url: downstream.url, secret: SECRET, timeoutMs: 1000 },
    });
    const { id } = (await created.json()) as { id: string };
    assert.equal((await call('PUT', `/api/v1/campaigns/${id}/limits`, { concurrency: 4, ratePerSec: 100 })).status, 200);
    assert.equal(((await (await call('POST', `/api/v1/campaigns/${id}/launch`)).json()) as { outcome: string }).outcome, 'applied');
    await waitFor(async () => (await status(id)).progress.delivered >= 50, { what: 'some deliveries' });
    const { snapshot } = await monitorTick(ctx.deps, 'trace-monitor', monitorEventLoopDelay());
    const measured = snapshot.campaigns[id]!;
    assert.ok(measured.requests > 0 && measured.p95LatencyMs !== null && measured.errorRate === 0, JSON.stringify(measured));
    assert.equal(measured.downstream, new URL(downstream.url).host);

    downstream.failWith = { status: 429, retryAfter: 2 };
    await waitFor(() => downstream.refusedAt.length > 0, { what: 'a 429' });
    downstream.failWith = null;
    const refused = downstream.refusedAt[0]!;
    await waitFor(async () => (await status(id)).status === 'completed', { timeoutMs: 60_000, what: 'completion' });

    // Requests already in flight at the 429 may land just after it; nothing new until 2 s later.
    const early = downstream.arrivals.filter((t) => t > refused + 300 && t < refused + 1900).length;
    assert.equal(early, 0, `${early} requests arrived within the Retry-After period`);
    assert.ok(downstream.arrivals.some((t) => t >= refused + 1900), 'delivery resumed after Retry-After');
    const done = await status(id);
    assert.deepEqual([done.progress.delivered, done.progress.failed], [400, 0]);
  });
});
