import type { Kysely, Transaction } from 'kysely';
import type { ApprovalRequestsTable, Database } from '../db/schema.js';
import type { Channel } from '../vocabulary/channels.js';

type Db = Kysely<Database> | Transaction<Database>;
export type RequestRow = Awaited<ReturnType<typeof getRequest>> & {};
export type Status = ApprovalRequestsTable['status'];

export interface NewRequest {
  id: string;
  traceId: string;
  kind: string;
  payload: Record<string, unknown>;
  payloadHash: string;
  summary: string;
  requester: string;
  priority: ApprovalRequestsTable['priority'];
  requiredChannels: Channel[];
  requireDistinctApprovers: boolean;
  reasons: string[];
  createdAt: Date;
  expiresAt: Date;
  escalateAt: Date;
  idempotencyKey: string | null;
  source?: 'internal' | 'external';
  title?: string | null;
  requesterPerson?: string | null;
  clientId?: string | null;
  callbackUrl?: string | null;
  evaluation?: Record<string, unknown> | null;
  /** Final already (the policy allowed or refused an external request outright). */
  status?: Exclude<Status, 'pending'>;
  resolution?: string;
}

const ENDED_UNAPPROVED: readonly Status[] = ['rejected', 'expired', 'cancelled'];

/**
 * Inserts a request; with an idempotency key seen before, returns the earlier
 * request instead. With `renewAfterRefusal`, a key whose request ended without
 * approval is retired (renamed on the old row) and a new request is filed:
 * proposing again after a rejection must not get the old decision back.
 */
export async function insertRequest(db: Db, r: NewRequest, options: { renewAfterRefusal?: boolean } = {}): Promise<{ row: RequestRow; created: boolean }> {
  const first = await tryInsert(db, r);
  if (first) return first;
  const existing = (await db.selectFrom('approval_requests').selectAll().where('idempotency_key', '=', r.idempotencyKey).executeTakeFirstOrThrow());
  const ended = ENDED_UNAPPROVED.includes(existing.status) || existing.use_refused !== null;
  if (!options.renewAfterRefusal || !ended) return { row: existing, created: false };
  await db.updateTable('approval_requests').set({ idempotency_key: `${r.idempotencyKey}~${existing.id}` }).where('id', '=', existing.id).execute();
  return (await tryInsert(db, r)) ?? { row: (await db.selectFrom('approval_requests').selectAll().where('idempotency_key', '=', r.idempotencyKey).executeTakeFirstOrThrow()), created: false };
}

async function tryInsert(db: Db, r: NewRequest): Promise<{ row: RequestRow; created: true } | null> {
  const inserted = await db
    .insertInto('approval_requests')
    .values({
      id: r.id,
      trace_id: r.traceId,
      kind: r.kind,
      payload: JSON.stringify(r.payload),
      payload_hash: r.payloadHash,
      summary: r.summary,
      requester: r.requester,
      priority: r.priority,
      status: r.status ?? 'pending',
      resolution: r.resolution ?? null,
      decided_at: r.status ? r.createdAt : null,
      source: r.source ?? 'internal',
      title: r.title ?? null,
      requester_person: r.requesterPerson ?? null,
      client_id: r.clientId ?? null,
      callback_url: r.callbackUrl ?? null,
      evaluation: r.evaluation ? JSON.stringify(r.evaluation) : null,
      required_channels: JSON.stringify(r.requiredChannels),
      require_distinct_approvers: r.requireDistinctApprovers,
      reasons: JSON.stringify(r.reasons),
      created_at: r.createdAt,
      expires_at: r.expiresAt,
      escalate_at: r.escalateAt,
      idempotency_key: r.idempotencyKey,
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted ? { row: (await getRequest(db, r.id))!, created: true } : null;
}

export async function getRequest(db: Db, id: string) {
  return db.selectFrom('approval_requests').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Reads the request with a row lock: concurrent decisions on one request run one after another. */
export async function lockRequest(trx: Transaction<Database>, id: string) {
  return trx.selectFrom('approval_requests').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function decisionsOf(db: Db, requestId: string) {
  return db.selectFrom('approval_decisions').selectAll().where('request_id', '=', requestId).orderBy('id').execute();
}

export async function insertDecision(
  db: Db,
  d: { requestId: string; channel: Channel; actor: string; actorPerson?: string; decision: 'approve' | 'reject'; reason: string; payloadHash: string; at: Date },
) {
  return db
    .insertInto('approval_decisions')
    .values({
      request_id: d.requestId,
      channel: d.channel,
      actor: d.actor,
      actor_person: d.actorPerson ?? null,
      decision: d.decision,
      reason: d.reason,
      payload_hash: d.payloadHash,
      decided_at: d.at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Moves a pending request to a final status; the row as it is now, or undefined when it was no longer pending. */
export async function finishRequest(db: Db, id: string, status: Exclude<Status, 'pending'>, resolution: string, at: Date): Promise<RequestRow | undefined> {
  return db.updateTable('approval_requests').set({ status, resolution, decided_at: at }).where('id', '=', id).where('status', '=', 'pending').returningAll().executeTakeFirst();
}

/** Marks an approval used; false when it was used already or is not approved. */
export async function markUsed(db: Db, id: string, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('approval_requests')
    .set({ used_at: at })
    .where('id', '=', id)
    .where('status', '=', 'approved')
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function markEscalated(db: Db, id: string, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('approval_requests')
    .set({ escalated_at: at })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('escalated_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function overdueRequestIds(db: Db, now: Date): Promise<string[]> {
  const rows = await db.selectFrom('approval_requests').select('id').where('status', '=', 'pending').where('expires_at', '<=', now).execute();
  return rows.map((r) => r.id);
}

export async function escalationDueIds(db: Db, now: Date): Promise<string[]> {
  const rows = await db
    .selectFrom('approval_requests')
    .select('id')
    .where('status', '=', 'pending')
    .where('escalated_at', 'is', null)
    .where('escalate_at', '<=', now)
    .execute();
  return rows.map((r) => r.id);
}

export interface RequestFilter {
  status?: Status[];
  /** Only the requests this token id filed (an agent sees its own). */
  clientId?: string;
  kind?: string;
  traceId?: string;
  actor?: string;
  from?: Date;
  to?: Date;
  limit: number;
  offset: number;
}

export async function listRequests(db: Db, f: RequestFilter) {
  let query = db.selectFrom('approval_requests').selectAll();
  if (f.status?.length) query = query.where('status', 'in', f.status);
  if (f.kind) query = query.where('kind', '=', f.kind);
  if (f.clientId) query = query.where('client_id', '=', f.clientId);
  if (f.traceId) query = query.where('trace_id', '=', f.traceId);
  if (f.from) query = query.where('created_at', '>=', f.from);
  if (f.to) query = query.where('created_at', '<', f.to);
  if (f.actor) {
    const actor = f.actor;
    query = query.where((eb) =>
      eb.or([
        eb('requester', '=', actor),
        eb.exists(eb.selectFrom('approval_decisions').select('id').whereRef('approval_decisions.request_id', '=', 'approval_requests.id').where('actor', '=', actor)),
      ]),
    );
  }
  const rows = await query.orderBy('created_at', 'desc').orderBy('id').limit(f.limit + 1).offset(f.offset).execute();
  return { rows: rows.slice(0, f.limit), hasMore: rows.length > f.limit };
}

/** The decisions on several requests at once, oldest first. */
export async function decisionsOfMany(db: Db, requestIds: readonly string[]) {
  if (requestIds.length === 0) return [];
  return db.selectFrom('approval_decisions').selectAll().where('request_id', 'in', [...requestIds]).orderBy('decided_at').orderBy('id').execute();
}
