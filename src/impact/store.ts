import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.js';

/** Each decision in [from, to): its channel, the request's priority, and the time from the request to it. */
export async function decisionTimes(db: Kysely<Database>, from: Date, to: Date) {
  const rows = await db
    .selectFrom('approval_decisions as d')
    .innerJoin('approval_requests as r', 'r.id', 'd.request_id')
    .select(['d.channel', 'r.priority', 'd.decided_at', 'r.created_at'])
    .where('d.decided_at', '>=', from)
    .where('d.decided_at', '<', to)
    .execute();
  return rows.map((r) => ({ channel: r.channel, priority: r.priority, ms: new Date(r.decided_at).getTime() - new Date(r.created_at).getTime() }));
}

/** Campaigns that finished sending in [from, to), with what they delivered. */
export async function finishedCampaigns(db: Kysely<Database>, from: Date, to: Date) {
  const rows = await db
    .selectFrom('campaigns as c')
    .select((eb) => [
      'c.id',
      'c.name',
      'c.channel',
      'c.launched_at',
      'c.finished_at',
      // A summarised campaign's rows may be gone (delivery retention): its summary holds the count; else its kept counts do.
      eb.fn
        .coalesce(
          eb.selectFrom('delivery_summaries as s').select('s.delivered').whereRef('s.campaign_id', '=', 'c.id'),
          eb.selectFrom('campaign_delivery_counts as k').select('k.delivered').whereRef('k.campaign_id', '=', 'c.id'),
          eb.selectFrom('deliveries').select(eb.fn.countAll<number>().as('n')).whereRef('deliveries.campaign_id', '=', 'c.id').where('deliveries.status', '=', 'delivered'),
        )
        .as('delivered'),
    ])
    .where('c.finished_at', '>=', from)
    .where('c.finished_at', '<', to)
    .where('c.launched_at', 'is not', null)
    .orderBy('c.finished_at', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    host: hostOf(r.channel.url),
    sendingMs: new Date(r.finished_at!).getTime() - new Date(r.launched_at!).getTime(),
    delivered: Number(r.delivered ?? 0),
  }));
}

const hostOf = (url: string) => {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
};

/** The PM agent's work in [from, to), and the Beta approvals people decided. */
export async function betaWork(db: Kysely<Database>, from: Date, to: Date) {
  const [screened, invited, feedback, stories, decided] = await Promise.all([
    db.selectFrom('beta_screenings').select((eb) => [eb.fn.coalesce(eb.fn.sum<number>('tenants_screened'), sql<number>`0`).as('n')]).where('screened_at', '>=', from).where('screened_at', '<', to).executeTakeFirstOrThrow(),
    db.selectFrom('beta_participants').select((eb) => eb.fn.countAll<number>().as('n')).where('invited_at', '>=', from).where('invited_at', '<', to).executeTakeFirstOrThrow(),
    db.selectFrom('beta_feedback').select((eb) => eb.fn.countAll<number>().as('n')).where('received_at', '>=', from).where('received_at', '<', to).executeTakeFirstOrThrow(),
    db
      .selectFrom('beta_reports')
      .select(sql<number>`coalesce(sum(case when jsonb_typeof(report -> 'stories') = 'array' then jsonb_array_length(report -> 'stories') else 0 end), 0)`.as('n'))
      .where('created_at', '>=', from)
      .where('created_at', '<', to)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('approval_requests')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('kind', '=', 'beta.invite')
      .where('status', 'in', ['approved', 'rejected'])
      .where('decided_at', '>=', from)
      .where('decided_at', '<', to)
      .executeTakeFirstOrThrow(),
  ]);
  return { screened: Number(screened.n), invited: Number(invited.n), feedback: Number(feedback.n), stories: Number(stories.n), decidedByPeople: Number(decided.n) };
}

/**
 * Reward changes applied in [from, to): the experiment and the arm each changed, in
 * the order they were written. By id, not seq: seq is given by the sealer after
 * commit (src/audit/seal.ts), so the newest entries have none yet, and ordering by it
 * left those last in whatever order Postgres found them.
 */
export async function appliedRewardChanges(db: Kysely<Database>, from: Date, to: Date) {
  const rows = await db
    .selectFrom('audit_log')
    .select(['subject_id', 'data', 'at'])
    .where('action', '=', 'experiment.reward_changed')
    .where('at', '>=', from)
    .where('at', '<', to)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ experimentId: r.subject_id, arm: String(r.data.arm ?? ''), at: new Date(r.at) }));
}
