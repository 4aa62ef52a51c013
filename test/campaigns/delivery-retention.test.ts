import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { QUEUE_DEFINITIONS } from '../../queues/registry.js';
import { registerSchedulers } from '../../queues/schedulers.js';
import { createApp } from '../../src/api/app.js';
import { completeIfDone } from '../../src/campaigns/complete.js';
import { deliverySummary } from '../../src/campaigns/delivery-summary.js';
import { campaignProgress } from '../../src/campaigns/progress.js';
import { runDeliveryRetention } from '../../src/campaigns/retention.js';
import { batchSummaries, deliveryBuckets, getCampaign, writeResults } from '../../src/campaigns/store.js';
import { manualClock } from '../../src/clock.js';
import { mulberry32 } from '../../src/growth/mulberry32.js';
import { armTotals, experimentOfCampaign } from '../../src/growth/store.js';
import { finishedCampaigns } from '../../src/impact/store.js';
import { groupOf } from '../../src/ops/scaling/worker-groups.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { materialised } from '../support/materialised.js';
import { GENEROUS_LAUNCH_BUDGET } from '../support/policy.js';
import { seedUsers } from '../support/seed-users.js';
import { login } from '../support/session.js';
import { markDeliveredAt, simulateConversions } from '../support/synthetic-events.js';
import { bearer, TOKENS } from '../support/tokens.js';

const SECRET = 'downstream-secret-0123456789';
const MINUTE = 60_000;
const DAY = 86_400_000;
const WINDOW_SEC = 3 * 86_400;

describe('delivery retention: finished campaigns are summarised, their rows removed, and every reader gives the same answers', () => {
  const clock = manualClock('2026-04-01T08:00:00Z');
  let ctx: TestContext;
  let app: ReturnType<typeof createApp>;
  const call = async (method: string, path: string, body?: unknown, token: string = TOKENS.operator) =>
    app.request(
      path,
      body === undefined
        ? { method, headers: bearer(token) }
        : { method, headers: { ...bearer(token), 'content-type': 'application/json' }, body: JSON.stringify(body) },
    );

  before(async () => {
    ctx = await createTestContext({
      clock,
      config: { ...GENEROUS_LAUNCH_BUDGET, campaigns: { reconcileEverySec: 3600, retention: { keepDays: 2, chunk: 100, maxChunksPerRun: 2 } } },
    });
    app = createApp(ctx.deps);
  });
  after(async () => ctx.cleanup());

  /** A campaign delivered batch by batch, a minute apart, some deliveries dead, then completed. */
  async function deliveredCampaign(key: string, users: string[], experiment: boolean) {
    const created = await call('POST', '/api/v1/campaigns', {
      name: `Retention ${key}`,
      audience: { type: 'list', userIds: users },
      template: 'Hi {{user.name}}',
      channel: { url: 'http://127.0.0.1:9/none', secret: SECRET, mode: 'batch', maxBatch: 50 },
    });
    assert.equal(created.status, 201, await created.clone().text());
    const { id } = (await created.json()) as { id: string };
    if (experiment) {
      const res = await call('POST', `/api/v1/campaigns/${id}/experiment`, {
        key,
        goalEvent: 'purchase',
        attributionWindowSec: WINDOW_SEC,
        control: { name: 'control', mechanism: 'points', amount: 10, weight: 1 },
        variants: [{ name: 'streak', mechanism: 'streak', amount: 10, weight: 1 }],
        minSamplePerArm: 50,
      });
      assert.equal(res.status, 201, await res.clone().text());
    }
    assert.equal(((await (await call('POST', `/api/v1/campaigns/${id}/launch`)).json()) as { outcome: string }).outcome, 'applied');
    await materialised(ctx.deps, id);
    const batches = Math.ceil(users.length / 50);
    for (let batch = 0; batch < batches; batch++) {
      clock.advance(MINUTE);
      // Every seventh recipient's downstream refused for good.
      const rows = await ctx.deps.db.selectFrom('deliveries').select('id').where('campaign_id', '=', id).where('batch_no', '=', batch).orderBy('id').execute();
      await writeResults(
        ctx.deps.db,
        rows.filter((_, i) => i % 7 === 3).map((r) => ({ id: r.id, ok: false, httpStatus: 500, latencyMs: 0, error: 'HTTP 500', at: clock.now() })),
        1,
      );
      await markDeliveredAt(ctx.deps.db, id, [batch], clock.now());
      await ctx.deps.db
        .updateTable('deliveries')
        .set((eb) => ({ latency_ms: eb(eb.ref('id'), '%', 97) }))
        .where('campaign_id', '=', id)
        .where('batch_no', '=', batch)
        .execute();
    }
    if (experiment)
      await simulateConversions(ctx.deps.db, {
        campaignId: id,
        rates: { control: 0.1, streak: 0.2 },
        rng: mulberry32(11),
        goal: 'purchase',
        revenue: 20,
        spreadMs: DAY,
        idPrefix: key,
      });
    assert.equal(await completeIfDone(ctx.deps, id, `complete-${key}`), true);
    return id;
  }

  /** Everything that reads a campaign's delivery rows: the API, the dashboard's live page in each range, the trace page, the impact report, the experiment totals. */
  async function readings(id: string) {
    const row = (await getCampaign(ctx.deps.db, id))!;
    const finishedAt = new Date(row.finished_at!).getTime();
    const experiment = await experimentOfCampaign(ctx.deps.db, id);
    // Sessions expire by the clock, which these tests move by days.
    const viewer = await login(app, TOKENS.viewer);
    const page = async (path: string) => {
      const res = await app.request(`http://localhost${path}`, { headers: { cookie: viewer.cookie, 'x-fragment': 'live' } });
      assert.equal(res.status, 200, path);
      return res.text();
    };
    return {
      api: ((await (await call('GET', `/api/v1/campaigns/${id}`, undefined, TOKENS.viewer)).json()) as { progress: unknown }).progress,
      progress: await campaignProgress(ctx.deps.db, id, clock.now()),
      pages: await Promise.all(['15m', '1h', '24h'].map((range) => page(`/dashboard/campaigns/${id}?range=${range}`))),
      trace: await page(`/dashboard/traces/${row.trace_id}`),
      buckets: await deliveryBuckets(ctx.deps.db, id, { from: new Date(finishedAt - 3600_000), to: new Date(finishedAt + MINUTE), bucketMs: MINUTE }),
      batches: await batchSummaries(ctx.deps.db, id),
      impact: (await finishedCampaigns(ctx.deps.db, new Date(finishedAt - DAY), new Date(finishedAt + 1))).find((c) => c.id === id),
      arms: experiment ? await armTotals(ctx.deps.db, experiment, clock.now()) : null,
    };
  }
  const rowCount = async (id: string) =>
    Number(
      (
        await ctx.deps.db
          .selectFrom('deliveries')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('campaign_id', '=', id)
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('keeps rows for keepDays and while an attribution window is open, then removes them in bounded chunks with every reading unchanged', async () => {
    const withExperiment = await deliveredCampaign('arms', await seedUsers(ctx.deps.db, 420, 10, 'r'), true);
    const plain = await deliveredCampaign('plain', await seedUsers(ctx.deps.db, 150, 10, 'p'), false);
    const plainFinished = new Date((await getCampaign(ctx.deps.db, plain))!.finished_at!).getTime();

    // Within keepDays nothing is touched.
    clock.set(new Date(plainFinished + DAY));
    const early = await readings(withExperiment);
    assert.ok(
      early.arms!.every((a) => a.conversions > 0 && a.exposures > 0),
      JSON.stringify(early.arms),
    );
    assert.ok(early.buckets.length > 5 && early.buckets.some((b) => b.dead > 0 && b.p95LatencyMs !== null));
    assert.deepEqual(await runDeliveryRetention(ctx.deps, 'retain-early'), { summarised: [], rowsRemoved: 0, emptied: [], more: false });

    // Past keepDays: the plain campaign goes; the experiment's attribution window (3 days) still holds its rows.
    clock.set(new Date(plainFinished + 2 * DAY + MINUTE));
    const plainBefore = await readings(plain);
    const first = await runDeliveryRetention(ctx.deps, 'retain-1');
    assert.deepEqual(first.summarised, [plain]);
    assert.equal(first.rowsRemoved, 150, 'two chunks of 100 at most per run; 150 rows take both');
    assert.deepEqual(first.emptied, [plain]);
    assert.equal(await rowCount(plain), 0);
    assert.equal(await rowCount(withExperiment), 420);
    assert.deepEqual(await readings(plain), plainBefore);

    // Past the window: summarised once, then at most two chunks of 100 per run until none is left.
    clock.set(new Date(plainFinished + WINDOW_SEC * 1000 + DAY));
    const before = await readings(withExperiment);
    assert.deepEqual(before.arms, early.arms, 'the totals stopped changing when the window closed');
    const runs = [];
    for (let i = 0; i < 4; i++) runs.push(await runDeliveryRetention(ctx.deps, `retain-${i + 2}`));
    assert.deepEqual(
      runs.map((r) => [r.summarised, r.rowsRemoved, r.more]),
      [
        [[withExperiment], 200, true],
        [[], 200, true],
        [[], 20, false],
        [[], 0, false],
      ],
    );
    assert.deepEqual(runs[2]!.emptied, [withExperiment]);
    assert.equal(await rowCount(withExperiment), 0);
    const summary = (await deliverySummary(ctx.deps.db, withExperiment))!;
    // Every seventh of each batch of 50 (and of the last 20) died.
    assert.deepEqual(summary.counts, { pending: 0, retry: 0, delivered: 361, dead: 59 });
    assert.deepEqual(await readings(withExperiment), before);
    assert.ok(
      before.pages.every((html) => html.includes('361')),
      'the pages show the delivered count',
    );
  });

  it('runs as a scheduled job of the agents worker group, not triggerable through the jobs API', async () => {
    const queue = QUEUE_DEFINITIONS.find((q) => q.name === 'delivery-retention')!;
    assert.equal(queue.triggerable, false);
    assert.equal(groupOf('delivery-retention'), 'agents');
    const changes = await registerSchedulers(ctx.deps.queues, ctx.deps.redis, ctx.deps.config);
    assert.ok(changes !== 'locked' && changes.some((c) => c.queue === 'delivery-retention' && c.action === 'created'), JSON.stringify(changes));
    const scheduler = await ctx.deps.queues.get('delivery-retention').getJobScheduler('delivery-retention:schedule');
    assert.equal(Number(scheduler?.every), 3600_000);
    assert.equal((await call('POST', '/api/v1/jobs/delivery-retention', {}, TOKENS.admin)).status, 409);
  });
});
