import { type Kysely, sql, type Transaction } from 'kysely';
import type { BetaParticipantStatus, Database } from '../db/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface StoredCandidate {
  tenantId: string;
  score: number;
  breakdown: Record<string, number>;
  activity: Record<string, unknown>;
}

/** One screening run and its candidates, in one transaction. */
export async function saveScreening(
  db: Kysely<Database>,
  run: { traceId: string; at: Date; threshold: number; tenantsScreened: number; candidates: readonly StoredCandidate[] },
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const { id } = await trx
      .insertInto('beta_screenings')
      .values({ trace_id: run.traceId, screened_at: run.at, threshold: run.threshold, tenants_screened: run.tenantsScreened, candidate_count: run.candidates.length })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (run.candidates.length > 0) {
      await trx
        .insertInto('beta_candidates')
        .values(run.candidates.map((c) => ({ screening_id: id, tenant_id: c.tenantId, score: c.score, breakdown: JSON.stringify(c.breakdown), activity: JSON.stringify(c.activity) })))
        .execute();
    }
    return Number(id);
  });
}

/** The latest screening's candidates, highest score first, with each tenant's program status now. */
export async function latestCandidates(db: Db) {
  const screening = await db.selectFrom('beta_screenings').selectAll().orderBy('screened_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
  if (!screening) return { screening: null, candidates: [] };
  const rows = await db
    .selectFrom('beta_candidates as c')
    .innerJoin('tenants as t', 't.id', 'c.tenant_id')
    .leftJoin('beta_participants as p', 'p.tenant_id', 'c.tenant_id')
    .select(['c.tenant_id', 'c.score', 'c.breakdown', 'c.activity', 't.name', 't.plan', 't.seats', 'p.status'])
    .where('c.screening_id', '=', screening.id)
    .orderBy('c.score', 'desc')
    .orderBy('c.tenant_id')
    .execute();
  return { screening, candidates: rows };
}

export const PARTICIPANT_STATUSES: readonly BetaParticipantStatus[] = ['invited', 'accepted', 'declined', 'active', 'opted_out'];

/** Participants per status (every status present, 0 when none). */
export async function participantCounts(db: Db): Promise<Record<BetaParticipantStatus, number>> {
  const rows = await db.selectFrom('beta_participants').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
  const counts = Object.fromEntries(PARTICIPANT_STATUSES.map((s) => [s, 0])) as Record<BetaParticipantStatus, number>;
  for (const row of rows) counts[row.status] = Number(row.n);
  return counts;
}

export async function getParticipant(db: Db, tenantId: string) {
  return db.selectFrom('beta_participants').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
}

/**
 * For each known tenant asked for: its program status and the user an
 * invitation goes to: a user with `attributes.role = "admin"` if there is one,
 * else the tenant's first user (oldest, then lowest id). Unknown tenants are absent.
 */
export async function invitationTargets(db: Db, tenantIds: readonly string[]) {
  if (tenantIds.length === 0) return [];
  const { rows } = await sql<{ tenant_id: string; status: BetaParticipantStatus | null; contact_user_id: string | null }>`
    select t.id as tenant_id, p.status, u.id as contact_user_id
    from tenants t
    left join beta_participants p on p.tenant_id = t.id
    left join lateral (
      select id from users where tenant_id = t.id
      order by (attributes->>'role' = 'admin') desc nulls last, created_at, id limit 1
    ) u on true
    where t.id = any(${[...tenantIds]}::text[])`.execute(db);
  return rows;
}

/**
 * Marks tenants invited. A tenant already invited is invited again (a fresh
 * link); one that has answered since is left alone, so a racing accept wins.
 * Returns the tenants actually marked.
 */
export async function markInvited(
  db: Db,
  invites: readonly { tenantId: string; contactUserId: string; campaignId: string; approvalId: string | null; traceId: string; expiresAt: Date }[],
  at: Date,
): Promise<string[]> {
  if (invites.length === 0) return [];
  const rows = await db
    .insertInto('beta_participants')
    .values(
      invites.map((i) => ({
        tenant_id: i.tenantId,
        status: 'invited' as const,
        contact_user_id: i.contactUserId,
        campaign_id: i.campaignId,
        approval_id: i.approvalId,
        trace_id: i.traceId,
        invited_at: at,
        invite_expires_at: i.expiresAt,
        responded_at: null,
        updated_at: at,
      })),
    )
    .onConflict((oc) =>
      oc.column('tenant_id').doUpdateSet((eb) => ({
        contact_user_id: eb.ref('excluded.contact_user_id'),
        campaign_id: eb.ref('excluded.campaign_id'),
        approval_id: eb.ref('excluded.approval_id'),
        trace_id: eb.ref('excluded.trace_id'),
        invited_at: eb.ref('excluded.invited_at'),
        invite_expires_at: eb.ref('excluded.invite_expires_at'),
        updated_at: eb.ref('excluded.updated_at'),
      })).where('beta_participants.status', '=', 'invited'),
    )
    .returning('tenant_id')
    .execute();
  return rows.map((r) => r.tenant_id);
}

/** Moves a participant between statuses only from the ones given; true when it moved. */
export async function transitionParticipant(db: Db, tenantId: string, from: readonly BetaParticipantStatus[], to: BetaParticipantStatus, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('beta_participants')
    .set({ status: to, responded_at: at, updated_at: at })
    .where('tenant_id', '=', tenantId)
    .where('status', 'in', [...from])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Accepted participants with activity since they accepted become active; returns them. */
export async function promoteActive(db: Db, at: Date): Promise<string[]> {
  const rows = await db
    .updateTable('beta_participants as p')
    .set({ status: 'active', updated_at: at })
    .where('p.status', '=', 'accepted')
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('events as e')
          .select(sql`1`.as('one'))
          .whereRef('e.tenant_id', '=', 'p.tenant_id')
          .whereRef('e.occurred_at', '>', 'p.responded_at')
          .where('e.occurred_at', '<=', at),
      ),
    )
    .returning('p.tenant_id')
    .execute();
  return rows.map((r) => r.tenant_id);
}

export async function findParticipant(db: Kysely<Database>, tenantId: string) {
  return db.selectFrom('beta_participants').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
}

/** The participant row, locked until the transaction ends (answers to one invitation run one at a time). */
export async function lockParticipant(trx: Transaction<Database>, tenantId: string) {
  return trx.selectFrom('beta_participants').selectAll().where('tenant_id', '=', tenantId).forUpdate().executeTakeFirst();
}
