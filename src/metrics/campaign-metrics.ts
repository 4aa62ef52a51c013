import { sql } from 'kysely';
import { Counter, Gauge, type Registry } from 'prom-client';
import { downstreamOf } from '../campaign-runtime/keys.js';
import { deliveryCounts } from '../campaigns/store.js';
import type { CampaignControl } from '../ops/control-state.js';
import { DELIVERY_LATENCY_BUCKETS, readDeliveryLatencies } from './delivery-latency.js';
import { registerReadHistogram } from './read-histogram.js';
import { type BusinessSources, FINISHED_CAMPAIGN_SHOWN_MS } from './sources.js';

/** Campaigns delivering now, paused, or finished within the last hour. */
async function shownCampaigns({ db, clock }: BusinessSources) {
  const since = new Date(clock.now().getTime() - FINISHED_CAMPAIGN_SHOWN_MS);
  return db
    .selectFrom('campaigns')
    .select(['id', 'name', 'channel'])
    .where((eb) => eb.or([eb('status', 'in', ['running', 'paused']), eb('finished_at', '>=', since)]))
    .where('launched_at', 'is not', null)
    .execute();
}

export function registerCampaignMetrics(registry: Registry, sources: BusinessSources): void {
  const { db, redis, prefix, runtime } = sources;
  new Gauge({
    name: 'flywheel_deliveries',
    help: 'Deliveries per campaign and status (pending, retry, delivered, dead), for campaigns running, paused or finished within the hour',
    labelNames: ['campaign', 'campaign_name', 'status'] as const,
    registers: [registry],
    async collect() {
      const campaigns = await shownCampaigns(sources);
      const counts = await Promise.all(campaigns.map((c) => deliveryCounts(db, c.id)));
      this.reset();
      campaigns.forEach((c, i) => {
        for (const [status, n] of Object.entries(counts[i]!)) this.set({ campaign: c.id, campaign_name: c.name, status }, n);
      });
    },
  });

  registerReadHistogram(registry, {
    name: 'flywheel_delivery_latency_seconds',
    help: 'Campaign requests to each downstream, from send to response (a timeout counts as its timeout), across every worker',
    buckets: DELIVERY_LATENCY_BUCKETS,
    read: () => readDeliveryLatencies(redis, prefix),
  });

  // The Ops controller's published limits and its capacity estimate, per running (or paused) campaign.
  const control = async () => {
    const ids = await runtime.runningIds();
    const rows = ids.length ? await db.selectFrom('campaigns').select(['id', 'name', 'channel']).where('id', 'in', ids).execute() : [];
    return Promise.all(
      rows.map(async (c) => ({
        labels: { campaign: c.id, campaign_name: c.name },
        downstream: downstreamOf(c.channel.url),
        limits: await runtime.limits(c.id),
        state: await runtime.loadControl<CampaignControl>(c.id),
      })),
    );
  };
  new Gauge({
    name: 'flywheel_campaign_concurrency_limit',
    help: "Requests a campaign may have in flight across the fleet: the controller's limit within the operator's cap",
    labelNames: ['campaign', 'campaign_name'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const c of await control()) if (c.limits.concurrency !== undefined) this.set(c.labels, c.limits.concurrency);
    },
  });
  new Gauge({
    name: 'flywheel_campaign_rate_limit_per_second',
    help: "Requests a campaign may start per second across the fleet: the controller's rate within the operator's cap",
    labelNames: ['campaign', 'campaign_name'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const c of await control()) if (c.limits.ratePerSec !== undefined && Number.isFinite(c.limits.ratePerSec)) this.set(c.labels, c.limits.ratePerSec);
    },
  });
  new Gauge({
    name: 'flywheel_downstream_capacity_per_second',
    help: "The Ops agent's estimate of the messages per second a campaign's downstream takes",
    labelNames: ['campaign', 'campaign_name', 'downstream', 'kind'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const c of await control()) {
        const capacity = c.state?.capacity;
        if (capacity?.perSec != null) this.set({ ...c.labels, downstream: c.downstream, kind: capacity.observed ? 'observed' : 'estimated' }, capacity.perSec);
      }
    },
  });

  new Counter({
    name: 'flywheel_campaign_auto_pauses_total',
    help: 'Campaigns the Ops agent paused because a threshold was crossed (from the audit log)',
    registers: [registry],
    async collect() {
      const row = await db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('action', '=', 'campaign.paused')
        .where(sql<string>`data->>'reason'`, 'like', 'auto-pause%')
        .executeTakeFirstOrThrow();
      this.reset();
      this.inc(Number(row.n));
    },
  });

  new Gauge({
    name: 'flywheel_experiment_exposures',
    help: 'Recipients delivered per experiment arm (the exposures the analysis counts), for campaigns running, paused or finished within the hour',
    labelNames: ['experiment', 'campaign', 'arm'] as const,
    registers: [registry],
    async collect() {
      const ids = (await shownCampaigns(sources)).map((c) => c.id);
      const rows = ids.length
        ? await db
            .selectFrom('experiments as e')
            .innerJoin('deliveries as d', 'd.campaign_id', 'e.campaign_id')
            .select(['e.key', 'e.campaign_id', 'd.arm', (eb) => eb.fn.countAll<number>().as('n')])
            .where('e.campaign_id', 'in', ids)
            .where('d.status', '=', 'delivered')
            .where('d.arm', 'is not', null)
            .groupBy(['e.key', 'e.campaign_id', 'd.arm'])
            .execute()
        : [];
      this.reset();
      for (const row of rows) this.set({ experiment: row.key, campaign: row.campaign_id, arm: row.arm ?? '' }, Number(row.n));
    },
  });
}
