import { type Kysely, sql } from 'kysely';
import type { BetaParticipantStatus, Database } from '../db/schema.js';
import type { BetaScoreSettings } from './config-schema.js';
import type { BetaTenant } from './screen-candidates.js';

/** A tenant's screening input: its activity features and where it stands in the program. */
export interface TenantScreeningRow extends BetaTenant {
  participantStatus: BetaParticipantStatus | null;
}

/**
 * Activity features of every known tenant at `now`, aggregated in Postgres
 * from `events` (see TenantActivity in activity-score.ts for their meaning):
 *
 * - feature: `properties.feature` when the event names one, else its type
 * - sessions: a user's events no further apart than `sessionGapMinutes`;
 *   a session lasts from its first to its last event (one event: 0 minutes)
 * - active users: distinct user ids in the recent window
 *
 * A tenant is in the beta when it is invited, accepted or active; it has opted
 * out when it declined, opted out, or carries the attribute `betaOptOut: true`
 * (a declined invitation is not sent again by the daily screening).
 */
export async function tenantActivity(db: Kysely<Database>, now: Date, score: BetaScoreSettings): Promise<TenantScreeningRow[]> {
  const recentStart = new Date(now.getTime() - score.recentDays * 86_400_000);
  const previousStart = new Date(recentStart.getTime() - score.previousDays * 86_400_000);
  const { rows } = await sql<{
    id: string;
    plan: string;
    seats: number;
    opt_out_attribute: boolean;
    participant_status: BetaParticipantStatus | null;
    last_at: Date | null;
    events_recent: number | null;
    events_previous: number | null;
    distinct_features: number | null;
    active_users: number | null;
    avg_session_minutes: number | null;
  }>`
    with ev as (
      select tenant_id, user_id, type, properties, occurred_at from events
      where occurred_at > ${previousStart} and occurred_at <= ${now}
    ), counts as (
      select tenant_id,
        count(*) filter (where occurred_at > ${recentStart})::int as events_recent,
        count(*) filter (where occurred_at <= ${recentStart})::int as events_previous,
        count(distinct coalesce(properties->>'feature', type)) filter (where occurred_at > ${recentStart})::int as distinct_features,
        count(distinct user_id) filter (where occurred_at > ${recentStart})::int as active_users
      from ev group by tenant_id
    ), gaps as (
      select tenant_id, user_id, occurred_at,
        occurred_at - lag(occurred_at) over (partition by tenant_id, user_id order by occurred_at) as gap
      from ev where user_id is not null and occurred_at > ${recentStart}
    ), numbered as (
      select tenant_id, user_id, occurred_at,
        count(*) filter (where gap is null or gap > ${score.sessionGapMinutes}::double precision * interval '1 minute')
          over (partition by tenant_id, user_id order by occurred_at) as session_no
      from gaps
    ), sessions as (
      select tenant_id, extract(epoch from max(occurred_at) - min(occurred_at)) / 60 as minutes
      from numbered group by tenant_id, user_id, session_no
    ), depth as (
      select tenant_id, avg(minutes)::double precision as avg_session_minutes from sessions group by tenant_id
    )
    select t.id, t.plan, t.seats, coalesce(t.attributes->>'betaOptOut', '') = 'true' as opt_out_attribute,
      p.status as participant_status, l.last_at, c.events_recent, c.events_previous, c.distinct_features, c.active_users,
      d.avg_session_minutes
    from tenants t
    left join counts c on c.tenant_id = t.id
    left join depth d on d.tenant_id = t.id
    left join beta_participants p on p.tenant_id = t.id
    left join lateral (
      select max(e.occurred_at) as last_at from events e where e.tenant_id = t.id and e.occurred_at <= ${now}
    ) l on true
    order by t.id`.execute(db);
  return rows.map((r) => ({
    tenantId: r.id,
    plan: r.plan,
    seats: r.seats,
    lastActivityAt: r.last_at ? new Date(r.last_at).toISOString() : null,
    eventsRecent: r.events_recent ?? 0,
    eventsPrevious: r.events_previous ?? 0,
    distinctFeatures: r.distinct_features ?? 0,
    avgSessionMinutes: Math.round((r.avg_session_minutes ?? 0) * 100) / 100,
    activeUsers: r.active_users ?? 0,
    participantStatus: r.participant_status,
    inBeta: r.participant_status === 'invited' || r.participant_status === 'accepted' || r.participant_status === 'active',
    optedOut: r.opt_out_attribute || r.participant_status === 'declined' || r.participant_status === 'opted_out',
  }));
}
