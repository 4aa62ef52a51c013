import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../src/api/app.js';
import { propose } from '../../src/approvals/propose.js';
import { assignArm, initialAllocation } from '../../src/growth/assignment.js';
import { mulberry32 } from '../../src/growth/mulberry32.js';
import { runGrowthAnalysis } from '../../src/growth/run-analysis.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { GENEROUS_LAUNCH_BUDGET } from '../support/policy.js';
import { seedUsers } from '../support/seed-users.js';
import { appliedAllowed } from '../support/apply-allowed.js';
import { materialised } from '../support/materialised.js';
import { markDeliveredAt, simulateConversions } from '../support/synthetic-events.js';
import { bearer, TOKENS } from '../support/tokens.js';

const SECRET = 'downstream-secret-0123456789';

describe('experiments: API and assignment at launch', () => {
  let ctx: TestContext;
  let app: ReturnType<typeof createApp>;
  let users: string[];
  const call = (method: string, path: string, body?: unknown, token: string = TOKENS.operator) =>
    app.request(path, body === undefined ? { method, headers: bearer(token) } : { method, headers: { ...bearer(token), 'content-type': 'application/json' }, body: JSON.stringify(body) });
  /** The campaign's first half of batches (its first 2,000 of 4,000 recipients), whatever its jobs' size. */
  const firstHalf = async (id: string) => {
    const batches = await ctx.deps.db.selectFrom('deliveries').select('batch_no').distinct().where('campaign_id', '=', id).orderBy('batch_no').execute();
    return batches.slice(0, batches.length / 2).map((b) => b.batch_no);
  };
  const draft = async (size: number, name = 'Experiment campaign') => {
    const res = await call('POST', '/api/v1/campaigns', {
      name,
      audience: { type: 'list', userIds: users.slice(0, size) },
      template: '{{reward.amount}} {{reward.mechanism}}',
      channel: { url: 'http://127.0.0.1:9/none', secret: SECRET, mode: 'batch', maxBatch: 100 },
    });
    return ((await res.json()) as { id: string }).id;
  };
  const body = (overrides: Record<string, unknown> = {}) => ({
    goalEvent: 'purchase',
    control: { name: 'control', mechanism: 'points', amount: 5, weight: 2 },
    variants: [
      { name: 'badge', mechanism: 'badge', amount: 0, weight: 1 },
      { name: 'streak', mechanism: 'streak', amount: 8, weight: 1 },
    ],
    minSamplePerArm: 100,
    ...overrides,
  });

  before(async () => {
    // Chunks of 1,000: a 3,000-recipient launch is assigned its arms chunk by chunk.
    ctx = await createTestContext({ config: { ...GENEROUS_LAUNCH_BUDGET, campaigns: { reconcileEverySec: 3600, materialiseChunk: 1000 } } });
    app = createApp(ctx.deps);
    users = await seedUsers(ctx.deps.db, 4000, 10, 'x');
  });
  after(async () => ctx.cleanup());

  it('rejects an invalid experiment with 400 naming the field, and stores nothing', async () => {
    const id = await draft(100);
    const cases: [Record<string, unknown>, string][] = [
      [body({ goalEvent: undefined }), 'json.goalEvent'],
      [body({ variants: [] }), 'json.variants'],
      [body({ control: { name: 'control', mechanism: 'cash', amount: 5 } }), 'json.control.mechanism'],
      [body({ variants: [{ name: 'none', mechanism: 'none', amount: 5 }] }), 'json.variants.0.amount'],
      [body({ variants: [{ name: 'control', mechanism: 'points', amount: 6 }] }), 'json.variants.0.name'],
      [body({ control: { name: 'control', mechanism: 'points', amount: 5, weight: 0 } }), 'json.control.weight'],
      [body({ allocation: { mode: 'thompson', controlFloor: 2 } }), 'json.allocation.controlFloor'],
      [body({ attributionWindowSec: 5 }), 'json.attributionWindowSec'],
      [body({ minSamplePerArm: undefined, samplePlan: { baselineRate: 0.9, minDetectableEffect: 0.2 } }), 'json.samplePlan.minDetectableEffect'],
    ];
    for (const [input, field] of cases) {
      const res = await call('POST', `/api/v1/campaigns/${id}/experiment`, input);
      assert.equal(res.status, 400, `${field}: ${await res.clone().text()}`);
      const error = ((await res.json()) as { error: { code: string; field: string; message: string } }).error;
      assert.equal(error.field, field, error.message);
    }
    assert.equal((await call('POST', `/api/v1/campaigns/${id}/experiment`, body(), TOKENS.viewer)).status, 403);
    assert.equal((await call('POST', '/api/v1/campaigns/00000000-0000-4000-8000-000000000000/experiment', body())).status, 404);
    const count = await ctx.deps.db.selectFrom('experiments').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(count.n), 0);
  });

  it('sizes the minimum sample from a planned effect at the configured alpha and power', async () => {
    const id = await draft(100, 'Planned');
    const res = await call('POST', `/api/v1/campaigns/${id}/experiment`, body({ key: 'planned', minSamplePerArm: undefined, samplePlan: { baselineRate: 0.1, minDetectableEffect: 0.02 } }));
    assert.equal(res.status, 201, await res.clone().text());
    // the pooled-variance formula of R's power.prop.test(p1 = 0.10, p2 = 0.12, power = 0.8): n = 3840.85 per group
    assert.equal(((await res.json()) as { minSamplePerArm: number }).minSamplePerArm, 3841);
  });

  it('assigns every recipient at launch by the documented hash and gives it its arm’s reward', async () => {
    const id = await draft(3000, 'Assigned');
    const created = await call('POST', `/api/v1/campaigns/${id}/experiment`, body({ key: 'assign-at-launch' }));
    assert.equal(created.status, 201, await created.clone().text());
    const experiment = (await created.json()) as { id: string; arms: { name: string }[] };
    assert.deepEqual(((await (await call('GET', `/api/v1/experiments/${experiment.id}`, undefined, TOKENS.viewer)).json()) as { key: string }).key, 'assign-at-launch');
    assert.equal((await call('POST', `/api/v1/campaigns/${id}/experiment`, body({ key: 'another' }))).status, 409, 'one experiment per campaign');
    assert.equal(((await (await call('POST', `/api/v1/campaigns/${id}/launch`)).json()) as { outcome: string }).outcome, 'applied');
    await materialised(ctx.deps, id);
    assert.equal((await call('POST', `/api/v1/campaigns/${id}/experiment`, body({ key: 'late' }))).status, 409, 'no experiment after launch');

    const allocation = initialAllocation([{ arm: 'control', weight: 2 }, { arm: 'badge', weight: 1 }, { arm: 'streak', weight: 1 }]);
    const rewards: Record<string, { mechanism: string; amount: number }> = { control: { mechanism: 'points', amount: 5 }, badge: { mechanism: 'badge', amount: 0 }, streak: { mechanism: 'streak', amount: 8 } };
    const rows = await ctx.deps.db.selectFrom('deliveries').select(['user_id', 'arm', 'reward']).where('campaign_id', '=', id).execute();
    assert.equal(rows.length, 3000);
    const counts: Record<string, number> = {};
    for (const r of rows) {
      assert.equal(r.arm, assignArm('assign-at-launch', r.user_id, allocation));
      assert.deepEqual(r.reward, rewards[r.arm!]);
      counts[r.arm!] = (counts[r.arm!] ?? 0) + 1;
    }
    // 50/25/25 within 4σ
    for (const [arm, p] of [['control', 0.5], ['badge', 0.25], ['streak', 0.25]] as const) {
      assert.ok(Math.abs(counts[arm]! - 3000 * p) < 4 * Math.sqrt(3000 * p * (1 - p)), `${arm}: ${counts[arm]}`);
    }
  });

  it('shifts traffic for pending deliveries only, moving no more users than the shift', async () => {
    const id = await draft(4000, 'Shifted');
    const created = await call('POST', `/api/v1/campaigns/${id}/experiment`, body({ key: 'shift', control: { name: 'control', mechanism: 'points', amount: 5, weight: 1 }, variants: [{ name: 'streak', mechanism: 'streak', amount: 8, weight: 1 }] }));
    const experiment = (await created.json()) as { id: string };
    await call('POST', `/api/v1/campaigns/${id}/launch`);
    await materialised(ctx.deps, id);
    await markDeliveredAt(ctx.deps.db, id, await firstHalf(id), ctx.deps.clock.now());
    const before = new Map((await ctx.deps.db.selectFrom('deliveries').select(['user_id', 'arm', 'status']).where('campaign_id', '=', id).execute()).map((r) => [r.user_id, r]));
    const outcome = await propose(ctx.deps, {
      kind: 'traffic.shift',
      proposer: 'growth',
      params: { experimentId: experiment.id, campaignId: id, arm: 'streak', fromShare: 0.5, toShare: 0.6, shiftPercent: 10, budgetDelta: 0 },
      traceId: 'trace-shift',
      summary: 'shift 10 points to streak',
    });
    assert.equal(outcome.outcome, 'applied', JSON.stringify(outcome));
    assert.equal(await appliedAllowed(ctx.deps, (kind) => kind === 'traffic.shift'), 1, 'the shift is applied by its queued job');
    const after = await ctx.deps.db.selectFrom('deliveries').select(['user_id', 'arm', 'status', 'reward']).where('campaign_id', '=', id).execute();
    let moved = 0;
    let pending = 0;
    for (const r of after) {
      const was = before.get(r.user_id)!;
      if (was.status === 'delivered') assert.equal(r.arm, was.arm, 'a reached user keeps its arm');
      else pending += 1;
      if (r.arm !== was.arm) {
        moved += 1;
        assert.deepEqual([was.arm, r.arm, r.reward.amount], ['control', 'streak', 8]);
      }
    }
    // about 10% of the pending users move (sampling error 4σ)
    assert.ok(Math.abs(moved / pending - 0.1) < 4 * Math.sqrt(0.09 / pending), `moved ${moved} of ${pending}`);
    const shown = (await (await call('GET', `/api/v1/campaigns/${id}/experiment`, undefined, TOKENS.viewer)).json()) as { arms: { name: string; weight: number }[]; allocation: { version: number } };
    assert.deepEqual(shown.arms.map((a) => [a.name, Number(a.weight.toFixed(6))]), [['control', 0.4], ['streak', 0.6]]);
    assert.equal(shown.allocation.version, 1);
  });

  it('re-weights pending traffic every hour in Thompson mode, keeping the control at its floor', async () => {
    const id = await draft(4000, 'Bandit');
    const created = await call('POST', `/api/v1/campaigns/${id}/experiment`, body({
      key: 'bandit',
      control: { name: 'control', mechanism: 'points', amount: 5, weight: 1 },
      variants: [{ name: 'streak', mechanism: 'streak', amount: 8, weight: 1 }],
      allocation: { mode: 'thompson', controlFloor: 0.2 },
    }));
    const experiment = (await created.json()) as { id: string };
    await call('POST', `/api/v1/campaigns/${id}/launch`);
    await materialised(ctx.deps, id);
    const sentAt = new Date(ctx.deps.clock.now().getTime() - 3600_000);
    await markDeliveredAt(ctx.deps.db, id, await firstHalf(id), sentAt);
    await simulateConversions(ctx.deps.db, { campaignId: id, rates: { control: 0.05, streak: 0.2 }, rng: mulberry32(5), goal: 'purchase', revenue: 10, spreadMs: 60_000, idPrefix: 'bandit' });
    const run = await runGrowthAnalysis(ctx.deps, 'trace-bandit');
    assert.ok(run.experiments.some((e) => e.experimentId === experiment.id));
    const shown = (await (await call('GET', `/api/v1/experiments/${experiment.id}`, undefined, TOKENS.viewer)).json()) as { arms: { name: string; weight: number }[] };
    const weights = Object.fromEntries(shown.arms.map((a) => [a.name, a.weight]));
    assert.ok(Math.abs(weights.control! - 0.2) < 1e-9 && Math.abs(weights.streak! - 0.8) < 1e-9, JSON.stringify(weights));
    const pending = await ctx.deps.db.selectFrom('deliveries').select('arm').where('campaign_id', '=', id).where('status', '=', 'pending').execute();
    const share = pending.filter((r) => r.arm === 'streak').length / pending.length;
    assert.ok(Math.abs(share - 0.8) < 4 * Math.sqrt(0.16 / pending.length), `streak share of pending ${share}`);
    const audit = await ctx.deps.db.selectFrom('audit_log').select('action').where('trace_id', '=', 'trace-bandit').execute();
    assert.ok(audit.some((a) => a.action === 'experiment.reallocated'));
  });

  it('counts the dearest arm in the launch budget, so a costly variant cannot slip past the budget guardrail', async () => {
    const id = await draft(300, 'Costly variant');
    // The campaign's own reward is none: alone it would make a budget of 0.
    const created = await call('POST', `/api/v1/campaigns/${id}/experiment`, body({
      key: 'costly',
      control: { name: 'control', mechanism: 'none', amount: 0, weight: 1 },
      variants: [{ name: 'bonus', mechanism: 'referral_bonus', amount: 500, weight: 1 }],
    }));
    assert.equal(created.status, 201, await created.clone().text());
    const launched = (await (await call('POST', `/api/v1/campaigns/${id}/launch`)).json()) as { outcome: string; request?: { id: string } };
    assert.equal(launched.outcome, 'approval_requested', '300 × 500 = 150,000 is over the 100,000 budget guardrail');
    const detail = (await (await call('GET', `/api/v1/approvals/${launched.request!.id}`, undefined, TOKENS.viewer)).json()) as { payload: { budget: number; experiment: { arms: { name: string; amount: number }[] } } };
    assert.equal(detail.payload.budget, 150_000);
    assert.deepEqual(detail.payload.experiment.arms.map((a) => [a.name, a.amount]), [['control', 0], ['bonus', 500]]);
  });
});
