import { sql } from 'kysely';
import type { Deps } from '../deps.js';
import { armTotals } from '../growth/store.js';
import {
  type DeliverySummary,
  insertDeliverySummary,
  removeDeliveryChunk,
  SUMMARY_BATCHES,
  SUMMARY_BUCKET_MS,
  SUMMARY_BUCKETS_BEFORE_MS,
  summariesWithRows,
} from './delivery-summary.js';
import { rateSubject } from './progress.js';
import { rateWindow } from './rate-eta.js';
import { batchSummaries, CAMPAIGN_COLUMNS, type CampaignRow, deliveredBetween, deliveryBuckets, deliveryCounts } from './store.js';

/** Campaign states no delivery leaves again. */
const FINISHED = ['completed', 'cancelled', 'failed'] as const;
/** Campaigns one run summarises at most (each summary reads all of its campaign's rows once). */
const SUMMARIES_PER_RUN = 20;

export interface RetentionRun {
  summarised: string[];
  rowsRemoved: number;
  /** Campaigns whose last rows this run removed. */
  emptied: string[];
  /** True when the run stopped at maxChunksPerRun with rows left: the next run goes on. */
  more: boolean;
}

/**
 * Delivery retention: a finished campaign's delivery rows are kept for
 * `campaigns.retention.keepDays` and until the attribution window of every
 * experiment on it has closed (so the analysis' totals no longer change), then
 * summarised once, and then removed in chunks of `chunk` rows, one short
 * statement each, at most `maxChunksPerRun` per run. The deliveries table and
 * its indexes so stay the size of what is live, while progress, the dashboard's
 * charts and batches, the impact report and the experiment totals read the summary.
 */
export async function runDeliveryRetention(deps: Deps, traceId: string): Promise<RetentionRun> {
  const { retention } = deps.config.campaigns;
  const run: RetentionRun = { summarised: [], rowsRemoved: 0, emptied: [], more: false };
  if (!retention.enabled) return run;
  const now = deps.clock.now();
  const cutoff = new Date(now.getTime() - retention.keepDays * 86_400_000);

  for (const campaign of await campaignsDue(deps, cutoff, now)) {
    if (await summarise(deps, campaign, now)) run.summarised.push(campaign.id);
  }

  let chunks = 0;
  for (const campaignId of await summariesWithRows(deps.db, 100)) {
    while (chunks < retention.maxChunksPerRun) {
      chunks++;
      const removed = await removeDeliveryChunk(deps.db, campaignId, retention.chunk, now);
      run.rowsRemoved += removed;
      if (removed < retention.chunk) {
        run.emptied.push(campaignId);
        break;
      }
    }
    if (chunks >= retention.maxChunksPerRun && !run.emptied.includes(campaignId)) {
      run.more = true;
      break;
    }
  }
  if (run.summarised.length || run.rowsRemoved) deps.logger.info({ traceId, ...run }, 'delivery retention');
  return run;
}

/** Finished before the cutoff, not summarised yet, with every experiment's attribution window closed by now. */
async function campaignsDue(deps: Deps, cutoff: Date, now: Date): Promise<CampaignRow[]> {
  const finishedAt = sql<Date>`coalesce(c.finished_at, c.updated_at)`;
  return deps.db
    .selectFrom('campaigns as c')
    .select(CAMPAIGN_COLUMNS)
    .where('c.status', 'in', [...FINISHED])
    .where(finishedAt, '<', cutoff)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('delivery_summaries as s').select('s.campaign_id').whereRef('s.campaign_id', '=', 'c.id'))))
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('experiments as e')
            .select('e.id')
            .whereRef('e.campaign_id', '=', 'c.id')
            .where(sql<Date>`coalesce(c.finished_at, c.updated_at) + make_interval(secs => e.attribution_window_sec)`, '>=', now),
        ),
      ),
    )
    .orderBy(finishedAt)
    .limit(SUMMARIES_PER_RUN)
    .execute();
}

/**
 * Reads everything the readers of delivery rows show and stores it, in one
 * transaction holding the campaign row, so the summary is of every row. Taken
 * once: a later run finds it and only removes rows.
 */
async function summarise(deps: Deps, campaign: CampaignRow, now: Date): Promise<boolean> {
  return deps.db.transaction().execute(async (trx) => {
    await trx.selectFrom('campaigns').select('id').where('id', '=', campaign.id).forUpdate().execute();
    const finishedAt = new Date(campaign.finished_at ?? campaign.updated_at);
    const window = rateWindow(rateSubject(campaign), now);
    const recent = window ? await deliveredBetween(trx, campaign.id, window.from, window.to) : 0;
    const buckets: DeliverySummary['buckets'] = {};
    for (const bucketMs of SUMMARY_BUCKET_MS) {
      const from = new Date(Math.floor((finishedAt.getTime() - SUMMARY_BUCKETS_BEFORE_MS) / bucketMs) * bucketMs);
      buckets[String(bucketMs)] = await deliveryBuckets(trx, campaign.id, { from, to: new Date(now.getTime() + 1), bucketMs });
    }
    const arms: DeliverySummary['arms'] = {};
    for (const experiment of await trx.selectFrom('experiments').selectAll().where('campaign_id', '=', campaign.id).execute()) {
      arms[experiment.id] = await armTotals(trx, experiment, now);
    }
    return insertDeliverySummary(trx, {
      campaignId: campaign.id,
      counts: await deliveryCounts(trx, campaign.id),
      recentDelivered: recent,
      buckets,
      batches: await batchSummaries(trx, campaign.id, SUMMARY_BATCHES),
      arms,
      summarisedAt: now,
    });
  });
}
