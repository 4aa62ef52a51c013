import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createApp } from '../../src/api/app.js';
import { downstreamOf } from '../../src/campaign-runtime/keys.js';
import { deliveryCounts, getCampaign } from '../../src/campaigns/store.js';
import type { CampaignControl } from '../../src/ops/control-state.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { type DeliveringSystem, DOWNSTREAM_SECRET as SECRET, startDeliveringSystem } from '../support/delivering-system.js';
import { materialised } from '../support/materialised.js';
import { GENEROUS_LAUNCH_BUDGET } from '../support/policy.js';
import { seedUsers } from '../support/seed-users.js';
import { markDeliveredAt } from '../support/synthetic-events.js';
import type { TestDownstream } from '../support/test-downstream.js';
import { bearer, TOKENS } from '../support/tokens.js';
import { waitFor } from '../support/wait-for.js';

/** The value of one series in a /metrics text, or undefined when absent. */
const value = (text: string, metric: string, labels: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${metric}{${labels}}`));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
};

describe('campaign metrics on /metrics', () => {
  let ctx: TestContext;
  let app: ReturnType<typeof createApp>;
  const scrape = async () => (await app.request('/metrics', { headers: bearer(TOKENS.viewer) })).text();

  describe('while a campaign delivers through workers', () => {
    let system: DeliveringSystem;
    let downstream: TestDownstream;

    before(async () => {
      system = await startDeliveringSystem({ users: 2000, thresholds: { autoResume: true } });
      ({ ctx, downstream } = system);
      app = createApp(ctx.deps);
    });
    after(() => system.stop());

    it("shows deliveries by status, the downstream's latency histogram, the controller's limits and an auto-pause", async () => {
      const campaign = await system.launch('metrics-live');
      const labels = `campaign="${campaign.id}",campaign_name="metrics-live"`;
      const host = downstreamOf(downstream.url);
      await waitFor(() => downstream.seen.size >= 100, { what: 'deliveries to flow' });

      // The limits in force are what the runtime holds; retried until a control step does not fall between the reads.
      await waitFor(
        async () => {
          const text = await scrape();
          const limits = await ctx.deps.runtime.limits(campaign.id);
          return (
            value(text, 'flywheel_campaign_concurrency_limit', labels) === limits.concurrency &&
            value(text, 'flywheel_campaign_rate_limit_per_second', labels) === limits.ratePerSec
          );
        },
        { what: 'the published limits on /metrics' },
      );

      const pauses = (text: string) => Number(text.match(/^flywheel_campaign_auto_pauses_total (\S+)/m)?.[1]);
      const autoPausesInAudit = async () =>
        Number(
          (
            await ctx.deps.db
              .selectFrom('audit_log')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .where('action', '=', 'campaign.paused')
              .where(sql<string>`data->>'reason'`, 'like', 'auto-pause%')
              .executeTakeFirstOrThrow()
          ).n,
        );
      // A loaded machine may pause the campaign before the slowdown too; what counts is one more pause after it.
      const pausedBefore = await autoPausesInAudit();
      downstream.latencyMs = 800;
      await waitFor(async () => (await autoPausesInAudit()) > pausedBefore, { timeoutMs: 40_000, what: 'the auto-pause' });
      const paused = await scrape();
      assert.equal(pauses(paused), await autoPausesInAudit());
      // The controller's capacity estimate: 2000 recipients at full speed, then the 800 ms answers, give it
      // windows to measure. Read until a control step does not fall between the scrape and the read.
      const capacity = await waitFor(
        async () => {
          const text = await scrape();
          const state = (await ctx.deps.runtime.loadControl<CampaignControl>(campaign.id))?.capacity;
          if (state?.perSec == null) return undefined;
          const kind = state.observed ? 'observed' : 'estimated';
          return value(text, 'flywheel_downstream_capacity_per_second', `${labels},downstream="${host}",kind="${kind}"`) === state.perSec ? state : undefined;
        },
        { what: "the controller's capacity estimate on /metrics" },
      );
      assert.ok(capacity.perSec! > 0, `capacity ${capacity.perSec}/s`);
      // One series per campaign and downstream: the other kind is absent.
      const other = capacity.observed ? 'estimated' : 'observed';
      assert.equal(value(await scrape(), 'flywheel_downstream_capacity_per_second', `${labels},downstream="${host}",kind="${other}"`), undefined);

      downstream.latencyMs = 0;
      await waitFor(async () => (await getCampaign(ctx.deps.db, campaign.id))?.status === 'completed', { timeoutMs: 120_000, what: 'completion after resume' });
      const done = await scrape();
      const counts = await deliveryCounts(ctx.deps.db, campaign.id);
      assert.equal(counts.delivered, 2000);
      for (const [status, n] of Object.entries(counts)) assert.equal(value(done, 'flywheel_deliveries', `${labels},status="${status}"`), n, status);

      const latency = (suffix: string, extra = '') => value(done, `flywheel_delivery_latency_seconds${suffix}`, `downstream="${host}"${extra}`) ?? 0;
      const requests = latency('_count');
      assert.ok(requests >= 2000, `one request per recipient at least, saw ${requests}`);
      assert.equal(latency('_bucket', ',le="+Inf"'), requests);
      // The 800 ms answers before the pause lie above 0.5 s; the fast ones below.
      const under = latency('_bucket', ',le="0.5"');
      assert.ok(under > 0 && under < requests, `${under} of ${requests} under 0.5 s`);
      assert.ok(latency('_sum') >= (requests - under) * 0.5);
    });
  });

  describe('for an experiment', () => {
    before(async () => {
      ctx = await createTestContext({ config: { ...GENEROUS_LAUNCH_BUDGET, campaigns: { reconcileEverySec: 3600 } } });
      app = createApp(ctx.deps);
      await seedUsers(ctx.deps.db, 1000, 10, 'm');
    });
    after(() => ctx.cleanup());

    it('counts exposures per arm as the delivered recipients of each arm, beside the deliveries by status', async () => {
      const call = (path: string, body: unknown) =>
        app.request(path, { method: 'POST', headers: { ...bearer(TOKENS.operator), 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const draft = await call('/api/v1/campaigns', {
        name: 'metrics-experiment',
        audience: { type: 'segment', filters: {} },
        template: '{{reward.amount}} {{reward.mechanism}}',
        channel: { url: 'http://127.0.0.1:9/none', secret: SECRET, mode: 'batch', maxBatch: 100 },
      });
      const id = ((await draft.json()) as { id: string }).id;
      const experiment = await call(`/api/v1/campaigns/${id}/experiment`, {
        key: 'metrics-exposures',
        goalEvent: 'purchase',
        control: { name: 'control', mechanism: 'points', amount: 5, weight: 1 },
        variants: [{ name: 'streak', mechanism: 'streak', amount: 8, weight: 1 }],
        minSamplePerArm: 100,
      });
      assert.equal(experiment.status, 201, await experiment.clone().text());
      assert.equal(((await (await call(`/api/v1/campaigns/${id}/launch`, {})).json()) as { outcome: string }).outcome, 'applied');
      await materialised(ctx.deps, id);
      const before = await scrape();
      assert.equal(
        value(before, 'flywheel_experiment_exposures', `experiment="metrics-exposures",campaign="${id}",arm="control"`),
        undefined,
        'nothing delivered yet',
      );
      await markDeliveredAt(ctx.deps.db, id, [0, 1, 2], ctx.deps.clock.now());

      const text = await scrape();
      const rows = await ctx.deps.db.selectFrom('deliveries').select(['arm', 'status']).where('campaign_id', '=', id).execute();
      for (const arm of ['control', 'streak']) {
        const delivered = rows.filter((r) => r.arm === arm && r.status === 'delivered').length;
        assert.ok(delivered > 0);
        assert.equal(value(text, 'flywheel_experiment_exposures', `experiment="metrics-exposures",campaign="${id}",arm="${arm}"`), delivered, arm);
      }
      const labels = `campaign="${id}",campaign_name="metrics-experiment"`;
      assert.equal(value(text, 'flywheel_deliveries', `${labels},status="delivered"`), rows.filter((r) => r.status === 'delivered').length);
      assert.equal(value(text, 'flywheel_deliveries', `${labels},status="pending"`), rows.filter((r) => r.status === 'pending').length);
    });
  });
});
