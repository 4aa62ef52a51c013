import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../src/api/app.js';
import { manualClock } from '../../src/clock.js';
import { assignArm, initialAllocation } from '../../src/growth/assignment.js';
import { mulberry32 } from '../../src/growth/mulberry32.js';
import { runGrowthAnalysis } from '../../src/growth/run-analysis.js';
import { CaptureDownstream } from '../support/capture-downstream.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { GENEROUS_LAUNCH_BUDGET } from '../support/policy.js';
import { seedUsers } from '../support/seed-users.js';
import { materialised } from '../support/materialised.js';
import { markDeliveredAt, simulateConversions } from '../support/synthetic-events.js';
import { bearer, TOKENS } from '../support/tokens.js';
import { waitFor } from '../support/wait-for.js';
import { startTestWorkers } from '../support/workers.js';

const SECRET = 'downstream-secret-0123456789';
const HOUR = 3600_000;

type Call = (method: string, path: string, body?: unknown, token?: string) => Promise<Response>;
const caller = (app: ReturnType<typeof createApp>): Call => async (method, path, body, token = TOKENS.operator) =>
  app.request(path, body === undefined ? { method, headers: bearer(token) } : { method, headers: { ...bearer(token), 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** A draft campaign to a list of users, with a two-arm experiment on it, through the API. */
async function campaignWithExperiment(call: Call, options: { userIds: string[]; url: string; maxBatch: number; key: string; minSamplePerArm: number }) {
  const created = await call('POST', '/api/v1/campaigns', {
    name: `Experiment ${options.key}`,
    audience: { type: 'list', userIds: options.userIds },
    template: 'Hi {{user.name}}: {{reward.amount}} {{reward.mechanism}} when you buy',
    channel: { url: options.url, secret: SECRET, mode: 'batch', maxBatch: options.maxBatch },
  });
  assert.equal(created.status, 201, await created.clone().text());
  const campaign = (await created.json()) as { id: string };
  const experiment = await call('POST', `/api/v1/campaigns/${campaign.id}/experiment`, {
    key: options.key,
    goalEvent: 'purchase',
    attributionWindowSec: 7 * 86_400,
    control: { name: 'control', mechanism: 'points', amount: 10, weight: 1 },
    variants: [{ name: 'streak', mechanism: 'streak', amount: 10, weight: 1 }],
    minSamplePerArm: options.minSamplePerArm,
  });
  assert.equal(experiment.status, 201, await experiment.clone().text());
  return { campaignId: campaign.id, experiment: (await experiment.json()) as { id: string; key: string } };
}

describe('growth analysis end to end: a winner is detected and a reward proposal filed', () => {
  let ctx: TestContext;
  let app: ReturnType<typeof createApp>;
  let call: Call;
  let workers: Awaited<ReturnType<typeof startTestWorkers>>;
  const downstream = new CaptureDownstream();

  before(async () => {
    await downstream.start();
    ctx = await createTestContext({ config: { ...GENEROUS_LAUNCH_BUDGET, campaigns: { reconcileEverySec: 3600 } } });
    app = createApp(ctx.deps);
    call = caller(app);
    workers = await startTestWorkers(ctx);
  });
  after(async () => {
    await workers.stop();
    await ctx.cleanup();
    await downstream.stop();
  });

  it('delivers a two-arm campaign, finds the arm with a true uplift in the hourly job and proposes a higher reward for it', async () => {
    const users = await seedUsers(ctx.deps.db, 4000, 10, 'w');
    const { campaignId, experiment } = await campaignWithExperiment(call, { userIds: users, url: downstream.url, maxBatch: 100, key: 'uplift-e2e', minSamplePerArm: 500 });
    const launched = (await (await call('POST', `/api/v1/campaigns/${campaignId}/launch`)).json()) as { outcome: string };
    assert.equal(launched.outcome, 'applied', JSON.stringify(launched));
    await materialised(ctx.deps, campaignId);
    await waitFor(async () => ((await (await call('GET', `/api/v1/campaigns/${campaignId}`)).json()) as { status: string }).status === 'completed', { timeoutMs: 60_000, what: 'campaign completion' });

    // Every recipient got the arm the documented hash gives it, and that arm's reward.
    const allocation = initialAllocation([{ arm: 'control', weight: 1 }, { arm: 'streak', weight: 1 }]);
    assert.equal(downstream.messages.length, 4000);
    for (const m of downstream.messages) {
      assert.equal(m.arm, assignArm('uplift-e2e', m.userId, allocation));
      assert.deepEqual(m.reward, { mechanism: m.arm === 'control' ? 'points' : 'streak', amount: 10 });
    }

    // Synthetic conversions after delivery: 10% in control, 17% with streaks.
    const simulated = await simulateConversions(ctx.deps.db, { campaignId, rates: { control: 0.1, streak: 0.17 }, rng: mulberry32(7), goal: 'purchase', revenue: 20, spreadMs: 1, idPrefix: 'e2e' });
    assert.ok(simulated.byArm.streak! > simulated.byArm.control!);

    const triggered = await call('POST', '/api/v1/jobs/growth-analysis');
    assert.equal(triggered.status, 202, await triggered.clone().text());
    const { id: jobId, traceId } = (await triggered.json()) as { id: string; traceId: string };
    const job = await waitFor(async () => {
      const body = (await (await call('GET', `/api/v1/jobs/growth-analysis/${jobId}`, undefined, TOKENS.viewer)).json()) as { state: string; result: { experiments: { proposals: { kind: string; arm: string; from: number; to: number; outcome: string; requestId?: string }[] }[] } | null; failedReason: string | null };
      if (body.state === 'failed') throw new Error(`analysis failed: ${body.failedReason}`);
      return body.state === 'completed' ? body : undefined;
    }, { what: 'the growth analysis job' });

    const proposals = job.result!.experiments[0]!.proposals;
    const raise = proposals.find((p) => p.kind === 'reward.adjust');
    assert.ok(raise, JSON.stringify(proposals));
    assert.deepEqual({ arm: raise.arm, from: raise.from, to: raise.to, outcome: raise.outcome }, { arm: 'streak', from: 10, to: 12, outcome: 'approval_requested' });
    const request = await ctx.deps.db.selectFrom('approval_requests').selectAll().where('id', '=', raise.requestId!).executeTakeFirstOrThrow();
    assert.equal(request.trace_id, traceId);
    assert.equal(request.kind, 'reward.adjust');
    const evidence = request.payload.evidence as { effect: number; interval: [number, number]; probability: number; pValue: number; cost: number };
    assert.ok(evidence.pValue < 0.05 && evidence.probability > 0.95 && evidence.interval[0] > 0, JSON.stringify(evidence));
    assert.ok(Math.abs(evidence.cost - 10) < 1e-9, 'each incremental conversion costs the reward of 10');

    // Results are served on both paths, by the same route.
    const v1 = (await (await call('GET', '/api/v1/growth/metrics', undefined, TOKENS.viewer)).json()) as { experiments: { experimentId: string; srm: { mismatch: boolean }; minSampleReached: boolean; arms: { arm: string; exposures: number; conversions: number; vsControl: { sequential: { adjustedPValue: number } } | null }[]; mechanisms: { mechanism: string; incrementalConversions: number; costPerIncrementalConversion: number; roi: number; trend: { direction: string } }[] }[] };
    const phase7 = (await (await call('GET', '/api/phase7/growth/metrics', undefined, TOKENS.viewer)).json()) as typeof v1;
    assert.deepEqual(phase7.experiments, v1.experiments);
    const metrics = v1.experiments.find((e) => e.experimentId === experiment.id)!;
    assert.equal(metrics.srm.mismatch, false);
    assert.equal(metrics.minSampleReached, true);
    const streak = metrics.arms.find((a) => a.arm === 'streak')!;
    assert.equal(streak.conversions, simulated.byArm.streak);
    assert.ok(streak.vsControl!.sequential.adjustedPValue < 0.05);
    const [mechanism] = metrics.mechanisms;
    assert.equal(mechanism!.mechanism, 'streak');
    assert.ok(Math.abs(mechanism!.incrementalConversions - (simulated.byArm.streak! - (simulated.byArm.control! * streak.exposures) / metrics.arms.find((a) => a.arm === 'control')!.exposures)) < 1e-9);
    assert.ok(Math.abs(mechanism!.costPerIncrementalConversion - 10) < 1e-9);
    assert.ok(Math.abs(mechanism!.roi - 1) < 1e-9, 'revenue 20 against cost 10 per incremental conversion');
    assert.equal(mechanism!.trend.direction, 'new');
    assert.equal((await call('GET', '/api/v1/growth/metrics')).status, 200);
    assert.equal((await app.request('/api/v1/growth/metrics')).status, 401);
  });
});

describe('growth analysis guardrails over simulated hours', () => {
  let ctx: TestContext;
  let app: ReturnType<typeof createApp>;
  let call: Call;
  const clock = manualClock('2026-03-02T08:00:00Z');

  before(async () => {
    ctx = await createTestContext({ clock, config: { ...GENEROUS_LAUNCH_BUDGET, campaigns: { reconcileEverySec: 3600 } } });
    app = createApp(ctx.deps);
    call = caller(app);
  });
  after(async () => ctx.cleanup());

  const growthRequests = async () =>
    ctx.deps.db.selectFrom('audit_log').select(['action', 'data']).where('action', 'in', ['growth.proposed']).execute();

  it('files no proposal over 48 hourly runs when the arms convert alike', async () => {
    const users = await seedUsers(ctx.deps.db, 6000, 10, 'n');
    const { campaignId, experiment } = await campaignWithExperiment(call, { userIds: users, url: 'http://127.0.0.1:9/none', maxBatch: 125, key: 'null-hours', minSamplePerArm: 500 });
    const launched = (await (await call('POST', `/api/v1/campaigns/${campaignId}/launch`)).json()) as { outcome: string };
    assert.equal(launched.outcome, 'applied');
    await materialised(ctx.deps, campaignId);
    const rng = mulberry32(20260302);
    const notes: string[][] = [];
    for (let hour = 0; hour < 48; hour += 1) {
      // One cohort delivered per hour; its conversions trickle in over the next two hours.
      const deliveredAt = clock.now();
      await markDeliveredAt(ctx.deps.db, campaignId, [hour], deliveredAt);
      await simulateConversions(ctx.deps.db, { campaignId, rates: { control: 0.1, streak: 0.1 }, rng, goal: 'purchase', revenue: 20, spreadMs: 2 * HOUR, from: deliveredAt, to: new Date(deliveredAt.getTime() + 1), idPrefix: `null-${hour}` });
      clock.advance(HOUR);
      const run = await runGrowthAnalysis(ctx.deps, `hourly-null-${hour}`);
      const mine = run.experiments.find((e) => e.experimentId === experiment.id)!;
      assert.deepEqual(mine.proposals, [], `hour ${hour}: ${JSON.stringify(mine.proposals)}`);
      assert.equal(mine.srmMismatch, false, `hour ${hour}`);
      notes.push(mine.notes);
      if (hour === 47) assert.equal(mine.exposures, 6000);
    }
    assert.ok(notes[0]!.some((n) => n.includes('minimum sample of 500 per arm not reached')), 'early hours are held back by the minimum sample');
    assert.ok(!notes[47]!.some((n) => n.includes('minimum sample')), 'the minimum sample is reached later');
    assert.equal((await growthRequests()).length, 0);
    const stored = await ctx.deps.db.selectFrom('experiment_analyses').select((eb) => eb.fn.countAll<number>().as('n')).where('experiment_id', '=', experiment.id).executeTakeFirstOrThrow();
    assert.equal(Number(stored.n), 48);
  });

  it('files no proposal while the sample ratio mismatches, even with a true uplift', async () => {
    const users = await seedUsers(ctx.deps.db, 4000, 10, 's');
    const { campaignId, experiment } = await campaignWithExperiment(call, { userIds: users, url: 'http://127.0.0.1:9/none', maxBatch: 1000, key: 'srm-broken', minSamplePerArm: 500 });
    assert.equal(((await (await call('POST', `/api/v1/campaigns/${campaignId}/launch`)).json()) as { outcome: string }).outcome, 'applied');
    await materialised(ctx.deps, campaignId);
    // The downstream drops a third of one arm's messages: those deliveries die, the rest are exposures.
    const streakRows = await ctx.deps.db.selectFrom('deliveries').select('id').where('campaign_id', '=', campaignId).where('arm', '=', 'streak').orderBy('user_id').execute();
    await ctx.deps.db.updateTable('deliveries').set({ status: 'dead', updated_at: clock.now() }).where('id', 'in', streakRows.filter((_, i) => i % 3 === 0).map((r) => r.id)).execute();
    const deliveredAt = clock.now();
    await markDeliveredAt(ctx.deps.db, campaignId, [0, 1, 2, 3], deliveredAt);
    await simulateConversions(ctx.deps.db, { campaignId, rates: { control: 0.1, streak: 0.2 }, rng: mulberry32(3), goal: 'purchase', revenue: 20, spreadMs: HOUR, from: deliveredAt, to: new Date(deliveredAt.getTime() + 1), idPrefix: 'srm' });
    clock.advance(2 * HOUR);
    const run = await runGrowthAnalysis(ctx.deps, 'hourly-srm');
    const mine = run.experiments.find((e) => e.experimentId === experiment.id)!;
    assert.equal(mine.srmMismatch, true);
    assert.deepEqual(mine.proposals, []);
    assert.ok(mine.notes.some((n) => n.startsWith('sample ratio mismatch')), JSON.stringify(mine.notes));
    const metrics = (await (await call('GET', '/api/v1/growth/metrics', undefined, TOKENS.viewer)).json()) as { experiments: { experimentId: string; srm: { mismatch: boolean }; notes: string[] }[] };
    assert.equal(metrics.experiments.find((e) => e.experimentId === experiment.id)!.srm.mismatch, true);
  });
});
