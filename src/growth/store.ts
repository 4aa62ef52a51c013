import { type Kysely, sql, type Transaction } from 'kysely';
import { deliverySummary } from '../campaigns/delivery-summary.js';
import type { Database, ExperimentArmRow } from '../db/schema.js';
import type { Allocation } from './assignment.js';
import type { PreExposure } from './metric-lifts.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface NewExperiment {
  id: string;
  campaignId: string;
  key: string;
  goalEvent: string;
  revenueEvent: string;
  revenueProperty: string;
  attributionWindowSec: number;
  controlArm: string;
  arms: ExperimentArmRow[];
  allocation: Allocation;
  allocationMode: 'fixed' | 'thompson';
  controlFloor: number;
  minSamplePerArm: number;
  traceId: string;
  createdBy: string;
  at: Date;
}

/** Inserts an experiment; false when the campaign already has one or the key is taken. */
export async function insertExperiment(db: Db, e: NewExperiment): Promise<boolean> {
  const result = await db
    .insertInto('experiments')
    .values({
      id: e.id,
      campaign_id: e.campaignId,
      key: e.key,
      goal_event: e.goalEvent,
      revenue_event: e.revenueEvent,
      revenue_property: e.revenueProperty,
      attribution_window_sec: e.attributionWindowSec,
      control_arm: e.controlArm,
      arms: JSON.stringify(e.arms),
      allocation: JSON.stringify(e.allocation),
      allocation_mode: e.allocationMode,
      control_floor: e.controlFloor,
      min_sample_per_arm: e.minSamplePerArm,
      trace_id: e.traceId,
      created_by: e.createdBy,
      created_at: e.at,
      updated_at: e.at,
    })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function getExperiment(db: Db, id: string) {
  return db.selectFrom('experiments').selectAll().where('id', '=', id).executeTakeFirst();
}
export type ExperimentRow = NonNullable<Awaited<ReturnType<typeof getExperiment>>>;

export async function experimentOfCampaign(db: Db, campaignId: string) {
  return db.selectFrom('experiments').selectAll().where('campaign_id', '=', campaignId).executeTakeFirst();
}

/** The experiment row, locked until the transaction ends (arm changes are read-modify-write). */
export async function lockExperiment(trx: Transaction<Database>, id: string) {
  return trx.selectFrom('experiments').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function updateExperimentArms(db: Db, id: string, change: { arms: ExperimentArmRow[]; allocation?: Allocation; at: Date }) {
  await db
    .updateTable('experiments')
    .set((eb) => ({
      arms: JSON.stringify(change.arms),
      updated_at: change.at,
      ...(change.allocation ? { allocation: JSON.stringify(change.allocation), allocation_version: eb('allocation_version', '+', 1) } : {}),
    }))
    .where('id', '=', id)
    .execute();
}

/**
 * Experiments worth analysing at `now`: their campaign has launched, and has
 * not finished longer ago than the attribution window (conversions may still arrive until then).
 */
export async function experimentsToAnalyse(db: Db, now: Date) {
  return db
    .selectFrom('experiments')
    .innerJoin('campaigns', 'campaigns.id', 'experiments.campaign_id')
    .selectAll('experiments')
    .select(['campaigns.name as campaign_name', 'campaigns.status as campaign_status'])
    .where('campaigns.launched_at', 'is not', null)
    .where('campaigns.launched_at', '<=', now)
    .where((eb) =>
      eb.or([
        eb('campaigns.finished_at', 'is', null),
        eb(sql<Date>`campaigns.finished_at + make_interval(secs => experiments.attribution_window_sec)`, '>=', now),
      ]),
    )
    .orderBy('experiments.created_at')
    .execute();
}

/** Users with ids in (after, through]; after null: from the first. */
export interface UserRange {
  after: string | null;
  through: string;
}

/** Deliveries of a campaign to these users that no arm has been given yet (a chunk just materialised): a range of its (campaign, user) key. */
export async function unassignedDeliveries(trx: Db, campaignId: string, users: UserRange) {
  let query = trx.selectFrom('deliveries').select(['id', 'user_id']).where('campaign_id', '=', campaignId).where('user_id', '<=', users.through).where('arm', 'is', null);
  if (users.after !== null) query = query.where('user_id', '>', users.after);
  return query.execute();
}

/** Deliveries still to be made (pending or retrying), with their arm. */
export async function undeliveredDeliveries(trx: Db, campaignId: string) {
  return trx.selectFrom('deliveries').select(['id', 'user_id', 'arm']).where('campaign_id', '=', campaignId).where('status', 'in', ['pending', 'retry']).execute();
}

/** Gives deliveries an arm and that arm's reward; only rows not delivered yet change. */
export async function setDeliveryArm(db: Db, ids: readonly (number | string)[], arm: string, reward: { mechanism: string; amount: number }): Promise<number> {
  let changed = 0;
  for (let i = 0; i < ids.length; i += 10_000) {
    const result = await db
      .updateTable('deliveries')
      .set({ arm, reward: JSON.stringify(reward) })
      .where('id', 'in', ids.slice(i, i + 10_000) as number[])
      .where('status', 'in', ['pending', 'retry'])
      .executeTakeFirst();
    changed += Number(result.numUpdatedRows);
  }
  return changed;
}

/** Changes the reward of an arm's deliveries still to be made; delivered ones keep what they were sent. */
export async function setUndeliveredReward(db: Db, campaignId: string, arm: string, reward: { mechanism: string; amount: number }): Promise<number> {
  const result = await db
    .updateTable('deliveries')
    .set({ reward: JSON.stringify(reward) })
    .where('campaign_id', '=', campaignId)
    .where('arm', '=', arm)
    .where('status', 'in', ['pending', 'retry'])
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export interface ArmTotalsRow {
  arm: string;
  /** Deliveries materialised for the arm. */
  assigned: number;
  /** Deliveries finished either way (delivered or dead). */
  finished: number;
  /** Delivered by `now`: the exposures. */
  exposures: number;
  /** Exposed users with a goal event within the attribution window. */
  conversions: number;
  revenueSum: number;
  revenueSumSq: number;
  /** Σ reward amount of converted users (a reward is paid on conversion). */
  rewardCost: number;
  /** The exposed users' goal and revenue events in the window of the same length before exposure (CUPED's covariate). */
  pre: PreExposure;
}

/**
 * Per-arm running totals of an experiment at `now`. An exposure is a
 * delivered delivery; a conversion is a `goal_event` event of the exposed user
 * in [delivered_at, delivered_at + window) and not after `now`; revenue is the
 * numeric `revenue_property` of the user's goal and revenue events in that
 * window, summed per user. `pre` measures the same two metrics for the same
 * users over [delivered_at − window, delivered_at): activity the arm cannot
 * have caused, which CUPED uses to take out between-user noise.
 */
export async function armTotals(db: Db, experiment: Pick<ExperimentRow, 'id' | 'campaign_id' | 'goal_event' | 'revenue_event' | 'revenue_property' | 'attribution_window_sec'>, now: Date): Promise<ArmTotalsRow[]> {
  // Retention summarises a campaign only once every attribution window has closed, so these totals no longer change.
  const summarised = (await deliverySummary(db, experiment.campaign_id))?.arms[experiment.id];
  if (summarised) return summarised;
  const { goal_event: goal, revenue_event: revenueEvent, revenue_property: prop, attribution_window_sec: windowSec } = experiment;
  const result = await sql<{ arm: string; assigned: number; finished: number; exposures: number; conversions: number; revenue_sum: number; revenue_sum_sq: number; reward_cost: number; pre_conversions: number; pre_both: number; pre_revenue_sum: number; pre_revenue_sum_sq: number; pre_revenue_products: number }>`
    select d.arm,
           count(*)::int as assigned,
           count(*) filter (where d.status in ('delivered', 'dead'))::int as finished,
           count(*) filter (where d.status = 'delivered' and d.delivered_at <= ${now})::int as exposures,
           count(*) filter (where c.converted)::int as conversions,
           coalesce(sum(c.revenue), 0)::float8 as revenue_sum,
           coalesce(sum(c.revenue * c.revenue), 0)::float8 as revenue_sum_sq,
           coalesce(sum(case when c.converted then (d.reward ->> 'amount')::float8 else 0 end), 0)::float8 as reward_cost,
           count(*) filter (where p.converted)::int as pre_conversions,
           count(*) filter (where p.converted and c.converted)::int as pre_both,
           coalesce(sum(p.revenue), 0)::float8 as pre_revenue_sum,
           coalesce(sum(p.revenue * p.revenue), 0)::float8 as pre_revenue_sum_sq,
           coalesce(sum(p.revenue * coalesce(c.revenue, 0)), 0)::float8 as pre_revenue_products
    from deliveries d
    left join lateral (
      select bool_or(e.type = ${goal}) as converted,
             sum(case when jsonb_typeof(e.properties -> ${prop}::text) = 'number' then (e.properties ->> ${prop}::text)::float8 else 0 end) as revenue
      from events e
      where d.status = 'delivered' and d.delivered_at <= ${now}
        and e.user_id = d.user_id
        and e.type in (${goal}, ${revenueEvent})
        and e.occurred_at >= d.delivered_at
        and e.occurred_at < d.delivered_at + make_interval(secs => ${windowSec}::int)
        and e.occurred_at <= ${now}
    ) c on true
    left join lateral (
      select bool_or(e.type = ${goal}) as converted,
             sum(case when jsonb_typeof(e.properties -> ${prop}::text) = 'number' then (e.properties ->> ${prop}::text)::float8 else 0 end) as revenue
      from events e
      where d.status = 'delivered' and d.delivered_at <= ${now}
        and e.user_id = d.user_id
        and e.type in (${goal}, ${revenueEvent})
        and e.occurred_at >= d.delivered_at - make_interval(secs => ${windowSec}::int)
        and e.occurred_at < d.delivered_at
    ) p on true
    where d.campaign_id = ${experiment.campaign_id} and d.arm is not null
    group by d.arm
    order by d.arm`.execute(db);
  return result.rows.map((r) => ({
    arm: r.arm,
    assigned: Number(r.assigned),
    finished: Number(r.finished),
    exposures: Number(r.exposures),
    conversions: Number(r.conversions),
    revenueSum: Number(r.revenue_sum),
    revenueSumSq: Number(r.revenue_sum_sq),
    rewardCost: Number(r.reward_cost),
    pre: {
      conversions: Number(r.pre_conversions),
      conversionsBoth: Number(r.pre_both),
      revenueSum: Number(r.pre_revenue_sum),
      revenueSumSq: Number(r.pre_revenue_sum_sq),
      revenueProducts: Number(r.pre_revenue_products),
    },
  }));
}

/** Stores one analysis; a retried run (same trace id) replaces its own row. */
export async function saveAnalysis(db: Db, a: { experimentId: string; traceId: string; at: Date; result: Record<string, unknown> }) {
  return db
    .insertInto('experiment_analyses')
    .values({ experiment_id: a.experimentId, trace_id: a.traceId, analysed_at: a.at, result: JSON.stringify(a.result) })
    .onConflict((oc) => oc.columns(['experiment_id', 'trace_id']).doUpdateSet({ analysed_at: a.at, result: JSON.stringify(a.result) }))
    .returning('id')
    .executeTakeFirstOrThrow();
}

/** The latest analysis of an experiment before `before` (exclusive, by trace), or of all time. */
export async function latestAnalysis(db: Db, experimentId: string, excludeTrace?: string) {
  let query = db.selectFrom('experiment_analyses').selectAll().where('experiment_id', '=', experimentId);
  if (excludeTrace) query = query.where('trace_id', '!=', excludeTrace);
  return query.orderBy('analysed_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
}

/** The latest analysis of every experiment, newest experiment first. */
export async function latestAnalyses(db: Db) {
  return db
    .selectFrom('experiment_analyses as a')
    .innerJoin('experiments as e', 'e.id', 'a.experiment_id')
    .select(['a.id', 'a.experiment_id', 'a.trace_id', 'a.analysed_at', 'a.result', 'e.key', 'e.campaign_id'])
    .distinctOn('a.experiment_id')
    .orderBy('a.experiment_id')
    .orderBy('a.analysed_at', 'desc')
    .orderBy('a.id', 'desc')
    .execute();
}

export async function analysisCount(db: Db, experimentId: string): Promise<number> {
  const row = await db.selectFrom('experiment_analyses').select((eb) => eb.fn.countAll<number>().as('n')).where('experiment_id', '=', experimentId).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The last analysis of each UTC day of an experiment, oldest first (at most `days`): the result over time. */
export async function dailyAnalyses(db: Db, experimentId: string, days = 60) {
  const rows = await sql<{ day: Date; result: Record<string, unknown> }>`
    select * from (
      select distinct on (date_trunc('day', analysed_at at time zone 'UTC')) date_trunc('day', analysed_at at time zone 'UTC') as day, result
      from experiment_analyses where experiment_id = ${experimentId}
      order by date_trunc('day', analysed_at at time zone 'UTC') desc, analysed_at desc, id desc
      limit ${days}
    ) d order by day`.execute(db);
  return rows.rows;
}

/** Approval requests the growth strategist filed for an experiment, newest first, with their current state. */
export async function proposalRequests(db: Db, experimentId: string, limit = 20) {
  return db
    .selectFrom('approval_requests')
    .select(['id', 'kind', 'summary', 'status', 'created_at', 'decided_at'])
    .where(sql<string>`payload ->> 'experimentId'`, '=', experimentId)
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
}
