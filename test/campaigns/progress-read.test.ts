import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KyselyPlugin } from 'kysely';
import { createApp } from '../../src/api/app.js';
import { manualClock } from '../../src/clock.js';
import { insertDeliverySummary } from '../../src/campaigns/delivery-summary.js';
import { campaignsProgress, campaignWithProgress } from '../../src/campaigns/progress.js';
import { getCampaign } from '../../src/campaigns/store.js';
import type { CampaignStatus } from '../../src/db/schema.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { seedUsers } from '../support/seed-users.js';
import { campaignRow } from '../support/campaign-row.js';
import { bearer, TOKENS } from '../support/tokens.js';

// At 1,000,000 recipients the API's progress read (polled every 100 ms while the campaign ran) was
// a row read and then three queries at once: p99 27 ms on a quiet machine, 42-134 ms loaded.
const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, 0) + s * 1000);
const NOW = at(0);

describe("the API's progress read", () => {
  let ctx: TestContext;
  const clock = manualClock(NOW);
  let users: string[];

  before(async () => {
    ctx = await createTestContext({ clock, config: { ops: { enabled: false } } });
    users = await seedUsers(ctx.deps.db, 20);
  });
  after(() => ctx.cleanup());

  let n = 0;
  /** A campaign row as the launch and its status changes leave it (times in seconds from NOW). */
  async function campaign(status: CampaignStatus, times: { launched?: number; updated?: number; finished?: number } = {}) {
    const id = `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
    await ctx.deps.db
      .insertInto('campaigns')
      .values(
        campaignRow({
          id,
          name: `Progress read ${n}`,
          status,
          audience_size: 1000,
          created_at: at((times.launched ?? 0) - 10),
          updated_at: at(times.updated ?? times.launched ?? 0),
          launched_at: times.launched === undefined ? null : at(times.launched),
          finished_at: times.finished === undefined ? null : at(times.finished),
        }),
      )
      .execute();
    return id;
  }
  const counts = (id: string, c: { pending: number; retry: number; delivered: number; dead: number }) =>
    ctx.deps.db
      .insertInto('campaign_delivery_counts')
      .values({ campaign_id: id, ...c })
      .execute();
  /** `n` deliveries in every second from `from` to `to` (seconds from NOW, both included). */
  const perSecond = (id: string, from: number, to: number, each: number) =>
    ctx.deps.db
      .insertInto('campaign_delivered_seconds')
      .values(Array.from({ length: to - from + 1 }, (_, i) => ({ campaign_id: id, second: Math.floor(at(from + i).getTime() / 1000), n: each })))
      .execute();

  /** Every kind of campaign a read meets; each one's expected figures are worked out by hand. */
  async function campaigns() {
    // Launched 10 min ago, resumed 30 s ago: the window is those 30 s (31 seconds of rows, both ends);
    // rows before the resume, and one a worker's clock put 5 s ahead, are not in it.
    const resumed = await campaign('running', { launched: -600, updated: -30 });
    await counts(resumed, { pending: 500, retry: 20, delivered: 400, dead: 80 });
    await perSecond(resumed, -600, 0, 1);
    await perSecond(resumed, 5, 5, 100);
    // Finished an hour ago: its window is the minute before it finished, however long ago.
    const finished = await campaign('completed', { launched: -7200, updated: -3600, finished: -3600 });
    await counts(finished, { pending: 0, retry: 0, delivered: 900, dead: 100 });
    await perSecond(finished, -3700, -3600, 2);
    // Summarised by retention: the summary holds what the rows said, whatever is kept besides.
    const summarised = await campaign('completed', { launched: -7200, updated: -3600, finished: -3600 });
    await counts(summarised, { pending: 0, retry: 0, delivered: 1, dead: 1 });
    await insertDeliverySummary(ctx.deps.db, {
      campaignId: summarised,
      counts: { pending: 0, retry: 0, delivered: 990, dead: 10 },
      recentDelivered: 120,
      buckets: {},
      batches: [],
      arms: {},
      summarisedAt: at(-60),
    });
    // Rows written some other way (no counts row): counted from the rows.
    const uncounted = await campaign('running', { launched: -20 });
    await ctx.deps.db
      .insertInto('deliveries')
      .values(
        users.map((user, i) => ({
          campaign_id: uncounted,
          user_id: user,
          batch_no: 0,
          status: i < 8 ? ('delivered' as const) : ('pending' as const),
          variables: '{}',
          reward: JSON.stringify({ mechanism: 'none', amount: 0 }),
          updated_at: at(-20),
          delivered_at: i < 8 ? at(-10 + i) : null,
        })),
      )
      .execute();
    const draft = await campaign('draft');
    return { resumed, finished, summarised, uncounted, draft };
  }

  it('gives each kind of campaign its counts, rate and ETA, as the list read does', async () => {
    const ids = await campaigns();
    const expected = {
      resumed: {
        delivered: 400,
        failed: 80,
        retrying: 20,
        remaining: 520,
        total: 1000,
        ratePerSec: 31 / 30,
        etaSec: Math.round(520 / (31 / 30)),
        rateOverSec: 30,
      },
      finished: { delivered: 900, failed: 100, retrying: 0, remaining: 0, total: 1000, ratePerSec: 122 / 60, etaSec: 0, rateOverSec: 60 },
      summarised: { delivered: 990, failed: 10, retrying: 0, remaining: 0, total: 1000, ratePerSec: 2, etaSec: 0, rateOverSec: 60 },
      uncounted: { delivered: 8, failed: 0, retrying: 0, remaining: 12, total: 20, ratePerSec: 8 / 20, etaSec: 30, rateOverSec: 20 },
      draft: { delivered: 0, failed: 0, retrying: 0, remaining: 0, total: 0, ratePerSec: 0, etaSec: 0, rateOverSec: 0 },
    };
    const rows = await Promise.all(Object.values(ids).map(async (id) => (await getCampaign(ctx.deps.db, id))!));
    const listed = await campaignsProgress(ctx.deps.db, rows, NOW);
    for (const [kind, id] of Object.entries(ids) as [keyof typeof ids, string][]) {
      const read = await campaignWithProgress(ctx.deps.db, id, NOW);
      assert.deepEqual(read?.campaign, await getCampaign(ctx.deps.db, id), kind);
      assert.deepEqual(read?.progress, expected[kind], kind);
      assert.deepEqual(listed.get(id), expected[kind], kind);
    }
    assert.equal(await campaignWithProgress(ctx.deps.db, '00000000-0000-4000-8000-ffffffffffff', NOW), undefined);
  });

  it('is one Postgres statement for a campaign with kept counts, and 404 for no campaign', async () => {
    const id = await campaign('running', { launched: -100 });
    await counts(id, { pending: 10, retry: 0, delivered: 90, dead: 0 });
    await perSecond(id, -59, 0, 1);
    const statements: string[] = [];
    const counting: KyselyPlugin = {
      transformQuery: (args) => args.node,
      transformResult: async (args) => {
        statements.push(args.queryId.queryId);
        return args.result;
      },
    };
    const app = createApp({ ...ctx.deps, db: ctx.deps.db.withPlugin(counting) });
    const res = await app.request(`/api/v1/campaigns/${id}`, { headers: bearer(TOKENS.viewer) });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { id: string; progress: { delivered: number; ratePerSec: number; etaSec: number }; limits: unknown };
    assert.equal(body.id, id);
    assert.deepEqual(
      { delivered: body.progress.delivered, ratePerSec: body.progress.ratePerSec, etaSec: body.progress.etaSec },
      { delivered: 90, ratePerSec: 1, etaSec: 10 },
    );
    assert.ok(body.limits, 'the live limits come with it');
    assert.equal(statements.length, 1, `statements: ${statements.length}`);

    statements.length = 0;
    const missing = await app.request('/api/v1/campaigns/00000000-0000-4000-8000-ffffffffffff', { headers: bearer(TOKENS.viewer) });
    assert.equal(missing.status, 404);
    assert.equal(statements.length, 1);
  });
});
