import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RedisClient as Redis } from '../../src/redis/connect.js';
import { createApp } from '../../src/api/app.js';
import { currentCapacity } from '../../src/ops/capacity.js';
import { connectRedis } from '../../src/redis/connect.js';
import { type RunningWorkers, selectWorkers, startWorkers } from '../../workers/start.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { seedUsers } from '../support/seed-users.js';
import { bearer, TOKENS } from '../support/tokens.js';
import { waitFor } from '../support/wait-for.js';

const SECRET = 'downstream-secret-0123456789';

interface PlanView {
  audienceSize: number;
  campaignShare: number;
  capacity: { capacityPerSec: number; headroom: number; currentLoadPerSec: number; source: string; reason: string };
  plan: { batchSize: number; waves: { size: number; startAt: string; durationSec: number }[]; sendRatePerSec: number; etaSec: number | null; split: boolean; delayedUntil?: string; reason: string };
}

const DOWNSTREAM = '127.0.0.1:9';

describe('capacity-aware campaign planning', () => {
  let ctx: TestContext;
  let app: ReturnType<typeof createApp>;
  let connection: Redis;
  let workers: RunningWorkers;
  let users: string[];
  const call = (method: string, path: string, body?: unknown, token: string = TOKENS.operator) =>
    app.request(path, body === undefined ? { method, headers: bearer(token) } : { method, headers: { ...bearer(token), 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const draft = async (size: number, reward = { mechanism: 'none', amount: 0 }) => {
    const res = await call('POST', '/api/v1/campaigns', {
      name: `Plan ${size}`,
      audience: { type: 'list', userIds: users.slice(0, size) },
      template: 'Hello {{user.name}}',
      reward,
      channel: { url: 'http://127.0.0.1:9/none', secret: SECRET, mode: 'batch', maxBatch: 50 },
    });
    assert.equal(res.status, 201, await res.clone().text());
    return ((await res.json()) as { id: string }).id;
  };
  const plan = async (id: string) => {
    const res = await call('GET', `/api/v1/campaigns/${id}/plan`, undefined, TOKENS.viewer);
    assert.equal(res.status, 200, await res.clone().text());
    return (await res.json()) as PlanView;
  };
  /** What the Ops monitor would store: a snapshot carrying a measured capacity. */
  const snapshot = (perSec: number, loadPerSec: number, at = new Date()) =>
    ctx.deps.db
      .insertInto('ops_snapshots')
      .values({
        trace_id: 'test-snapshot',
        taken_at: at,
        data: JSON.stringify({
          at: at.toISOString(),
          capacity: { [DOWNSTREAM]: { perSec, measuredAt: at.toISOString(), campaignId: 'c-measuring' } },
          campaigns: { 'c-running': { downstream: DOWNSTREAM, goodputPerSec: loadPerSec } },
        }),
      })
      .execute();

  before(async () => {
    ctx = await createTestContext({
      config: {
        ops: { capacity: { fallbackPerSec: 50, headroom: 0.2, maxAgeSec: 600 } },
        growth: { campaignCapacityShare: 0.5, planning: { maxWaveSec: 60, waveGapSec: 30, retryAfterSec: 900 } },
      },
    });
    app = createApp(ctx.deps);
    users = await seedUsers(ctx.deps.db, 3000, 10, 'p');
    connection = await connectRedis(ctx.deps.redisTarget, 'worker', () => {});
    workers = startWorkers(ctx.deps, connection, selectWorkers('approvals,approval-expiry'));
  });
  after(async () => {
    await workers.close(5000);
    await connection.quit();
    await ctx.cleanup();
  });

  it('plans from the configured fallback capacity while no ops snapshot has measured one', async () => {
    const result = await plan(await draft(1000));
    assert.equal(result.capacity.source, 'config');
    assert.match(result.capacity.reason, /no measured capacity/);
    // budget min(50 × 0.8, 50 × 0.5) = 25/s: 1000 recipients in 40 s, one wave
    assert.equal(result.plan.sendRatePerSec, 25);
    assert.equal(result.plan.waves.length, 1);
    assert.equal(result.plan.etaSec, 40);
  });

  it('fits a campaign within the measured capacity in one wave', async () => {
    await snapshot(200, 20);
    const result = await plan(await draft(3000));
    assert.equal(result.capacity.source, 'snapshot');
    assert.deepEqual({ capacity: result.capacity.capacityPerSec, load: result.capacity.currentLoadPerSec }, { capacity: 200, load: 20 });
    // budget min(200 × 0.8 − 20, 200 × 0.5) = 100/s
    assert.equal(result.plan.sendRatePerSec, 100);
    assert.equal(result.plan.split, false);
    assert.equal(result.plan.batchSize, 50, 'never more than the channel takes per request');
    assert.equal(result.plan.etaSec, 30);
    assert.match(result.plan.reason, /^fits in one wave/);
  });

  it('splits a campaign too large for one wave within the capacity budget, and says why', async () => {
    await snapshot(40, 0);
    const result = await plan(await draft(3000));
    // budget min(32, 20) = 20/s: 150 s of sending, waves of at most 60 s (1200 recipients)
    assert.equal(result.plan.sendRatePerSec, 20);
    assert.equal(result.plan.split, true);
    assert.deepEqual(result.plan.waves.map((w) => w.size), [1000, 1000, 1000]);
    assert.ok(result.plan.waves.every((w) => w.durationSec <= 60));
    assert.match(result.plan.reason, /^split into 3 waves: 3000 recipients need 150s at 20\/s/);
  });

  it('delays a campaign when there is no capacity budget now, and says until when and why', async () => {
    await snapshot(1, 0);
    const result = await plan(await draft(100));
    assert.equal(result.plan.sendRatePerSec, 0);
    assert.equal(result.plan.etaSec, null);
    assert.ok(result.plan.delayedUntil);
    assert.match(result.plan.reason, /^delayed 900s: campaign budget 0\.5\/s/);
  });

  it('ignores an ops snapshot older than ops.capacity.maxAgeSec', async () => {
    await snapshot(1000, 0, new Date(Date.now() - 3600_000));
    const estimate = await currentCapacity(ctx.deps.db, ctx.deps.config, ctx.deps.clock.now(), DOWNSTREAM);
    // the stale snapshot is the latest by id; the fallback applies
    assert.equal(estimate.source, 'config');
    assert.match(estimate.reason, /old/);
  });

  it('shows the plan in the launch approval request, and the approval stays usable after capacity changes', async () => {
    await snapshot(200, 0);
    const id = await draft(3000, { mechanism: 'points', amount: 1 });
    const expected = (await plan(id)).plan;
    const launched = (await (await call('POST', `/api/v1/campaigns/${id}/launch`)).json()) as { outcome: string; request: { id: string } };
    assert.equal(launched.outcome, 'approval_requested', 'a 3000 budget is over the 1000 guardrail');
    const detail = (await (await call('GET', `/api/v1/approvals/${launched.request.id}`, undefined, TOKENS.viewer)).json()) as { payloadHash: string; payload: { plan: PlanView } };
    assert.equal(detail.payload.plan.plan.reason, expected.reason);
    assert.equal(detail.payload.plan.plan.sendRatePerSec, 100);
    // Capacity drops before anyone decides: the plan shown is what was approved, and the approval still applies.
    await snapshot(5, 0);
    const decided = await call('POST', `/api/v1/approvals/${launched.request.id}/decision`, { decision: 'approve', reason: 'ok', payloadHash: detail.payloadHash }, TOKENS.approver);
    assert.equal(((await decided.json()) as { status: string }).status, 'approved');
    const applied = await waitFor(
      async () => (await ctx.deps.db.selectFrom('audit_log').select('data').where('action', '=', 'action.applied').where('subject_id', '=', 'campaign.launch').executeTakeFirst()) ?? undefined,
      { what: 'the approved launch' },
    );
    assert.equal((applied.data as { approval: string }).approval, launched.request.id);
    assert.equal(((await (await call('GET', `/api/v1/campaigns/${id}`)).json()) as { status: string }).status, 'running');
  });

  it('answers 404 for the plan of an unknown campaign', async () => {
    const res = await call('GET', '/api/v1/campaigns/00000000-0000-4000-8000-000000000000/plan', undefined, TOKENS.viewer);
    assert.equal(res.status, 404);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'not_found');
  });
});
