import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../src/api/app.js';
import { batchKey } from '../../src/campaigns/deliver-batch.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { seedUsers } from '../support/seed-users.js';
import { TestDownstream } from '../support/test-downstream.js';
import { bearer, TOKENS } from '../support/tokens.js';
import { waitFor } from '../support/wait-for.js';
import { startTestWorkers } from '../support/workers.js';

const SECRET = 'downstream-secret-0123456789';
/** Ports the Fetch standard blocks ("bad port"); the first this machine lets a test bind is used. */
const BLOCKED_PORTS = [10080, 6666, 6667, 6665, 4190, 5060, 6000];

describe('the delivery engine', () => {
  let ctx: TestContext;
  let app: ReturnType<typeof createApp>;
  let workers: Awaited<ReturnType<typeof startTestWorkers>>;
  const call = (method: string, path: string, body?: unknown) =>
    app.request(path, body === undefined ? { method, headers: bearer(TOKENS.operator) } : { method, headers: { ...bearer(TOKENS.operator), 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const status = async (id: string) => (await (await call('GET', `/api/v1/campaigns/${id}`)).json()) as { status: string; progress: { delivered: number; failed: number; remaining: number } };
  let userNo = 0;

  async function launch(downstream: TestDownstream, recipients: number, extra: Record<string, unknown> = {}) {
    const userIds = Array.from({ length: recipients }, () => `u${String(userNo++).padStart(5, '0')}`);
    const created = await call('POST', '/api/v1/campaigns', {
      name: 'engine',
      audience: { type: 'list', userIds },
      template: 'Hi {{user.name}}',
      channel: { url: downstream.url, secret: SECRET, timeoutMs: 1000 },
      ...extra,
    });
    assert.equal(created.status, 201, await created.clone().text());
    const { id } = (await created.json()) as { id: string };
    const launched = (await (await call('POST', `/api/v1/campaigns/${id}/launch`)).json()) as { outcome: string };
    assert.equal(launched.outcome, 'applied');
    return id;
  }

  before(async () => {
    // Ops control and auto-pause off: what is measured here is the delivery path alone.
    ctx = await createTestContext({ config: { ops: { enabled: false }, campaigns: { reconcileEverySec: 3600 } } });
    app = createApp(ctx.deps);
    await seedUsers(ctx.deps.db, 2000);
    workers = await startTestWorkers(ctx);
  });
  after(async () => {
    await workers.stop();
    await ctx.cleanup();
  });

  it('reaches a downstream on a port the Fetch standard blocks', async (t) => {
    let downstream: TestDownstream | undefined;
    for (const port of BLOCKED_PORTS) {
      try {
        downstream = await new TestDownstream(SECRET).start(port);
        break;
      } catch {
        downstream = undefined;
      }
    }
    if (!downstream) return t.skip(`none of ${BLOCKED_PORTS.join(', ')} can be bound here`);
    try {
      const id = await launch(downstream, 20);
      await waitFor(async () => (await status(id)).status === 'completed', { timeoutMs: 30_000, what: 'completion' });
      assert.equal((await status(id)).progress.delivered, 20);
      assert.equal(downstream.messages.length, 20);
    } finally {
      await downstream.stop();
    }
  });

  it('counts attempts per delivery: a refused message is dead after exactly maxAttempts tries', async () => {
    const downstream = await new TestDownstream(SECRET).start();
    downstream.failWith = { status: 422 };
    try {
      const id = await launch(downstream, 30, { maxAttempts: 3 });
      await waitFor(async () => (await status(id)).status === 'completed', { timeoutMs: 60_000, what: 'completion with dead letters' });
      const rows = await ctx.deps.db.selectFrom('deliveries').select(['status', 'attempts']).where('campaign_id', '=', id).execute();
      assert.equal(rows.length, 30);
      assert.deepEqual([...new Set(rows.map((r) => `${r.status}:${r.attempts}`))], ['dead:3']);
      assert.equal(downstream.refusedAt.length, 90, 'three requests per recipient, no more');
    } finally {
      await downstream.stop();
    }
  });

  it('a fast-failing downstream trips the circuit: sends stop within a second and nothing is dead-lettered; it resumes on recovery', async () => {
    const downstream = await new TestDownstream(SECRET).start();
    downstream.failWith = { status: 503 };
    try {
      // One batch job, so its 8 senders are all that can be in flight (two jobs of 100 made 16: up to
      // 5 + 15 + 2 probes, over the bound below whenever the answers came fast enough).
      const id = await launch(downstream, 200, { maxAttempts: 3, channel: { url: downstream.url, secret: SECRET, timeoutMs: 1000, maxBatch: 200 } });
      await waitFor(() => downstream.refusedAt.length >= 5, { timeoutMs: 20_000, what: 'the first failures' });
      const first = downstream.refusedAt[0]!;
      await waitFor(() => Date.now() - first > 3000);
      // Open after 5 failures: what was in flight then (8 senders) plus a probe a second, doubling.
      const within = downstream.refusedAt.filter((at) => at > first + 1000).length;
      assert.ok(within <= 4, `${within} requests more than a second after the first failure (total ${downstream.refusedAt.length})`);
      assert.ok(downstream.refusedAt.length <= 20, `${downstream.refusedAt.length} requests to a failing downstream`);
      const dead = await ctx.deps.db.selectFrom('deliveries').select('id').where('campaign_id', '=', id).where('status', '=', 'dead').execute();
      assert.equal(dead.length, 0, 'nothing dead-lettered while the circuit holds');
      downstream.failWith = null;
      await waitFor(async () => (await status(id)).status === 'completed', { timeoutMs: 60_000, what: 'completion after recovery' });
      assert.equal((await status(id)).progress.delivered, 200);
    } finally {
      await downstream.stop();
    }
  });

  it('names a batch request by its recipients, not by how they were grouped', () => {
    const a = [{ user_id: 'u1' }, { user_id: 'u2' }, { user_id: 'u3' }];
    assert.equal(batchKey('c', a), batchKey('c', [...a].reverse()));
    assert.notEqual(batchKey('c', a), batchKey('c', a.slice(0, 2)));
    assert.notEqual(batchKey('c', a), batchKey('d', a));
    assert.ok(!batchKey('c', a).includes('-3'), 'no group size in the key');
  });
});
