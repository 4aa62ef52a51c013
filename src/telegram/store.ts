import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

/** Records an update id; false when it was seen before (Telegram redelivers webhooks). */
export async function markUpdateSeen(db: Kysely<Database>, updateId: number, at: Date): Promise<boolean> {
  const row = await db
    .insertInto('telegram_updates')
    .values({ update_id: updateId, received_at: at })
    .onConflict((oc) => oc.column('update_id').doNothing())
    .returning('update_id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function saveMessage(
  db: Kysely<Database>,
  m: { requestId: string; chatId: number; messageId: number; purpose: 'request' | 'escalation' | 'voided' },
) {
  await db
    .insertInto('telegram_messages')
    .values({ request_id: m.requestId, chat_id: m.chatId, message_id: m.messageId, purpose: m.purpose })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function openMessages(db: Kysely<Database>, requestId: string) {
  return db.selectFrom('telegram_messages').selectAll().where('request_id', '=', requestId).where('closed_at', 'is', null).execute();
}

export async function sentChats(db: Kysely<Database>, requestId: string, purpose: 'request' | 'escalation' | 'voided') {
  const rows = await db.selectFrom('telegram_messages').select('chat_id').where('request_id', '=', requestId).where('purpose', '=', purpose).execute();
  return new Set(rows.map((r) => Number(r.chat_id)));
}

export async function closeMessage(db: Kysely<Database>, requestId: string, chatId: number, messageId: number, at: Date) {
  await db
    .updateTable('telegram_messages')
    .set({ closed_at: at })
    .where('request_id', '=', requestId)
    .where('chat_id', '=', chatId)
    .where('message_id', '=', messageId)
    .execute();
}

/** How many requests one resend sweep looks at per kind of message; the next sweep takes the rest. */
const SWEEP_LIMIT = 500;

export interface OwedRequest {
  id: string;
  traceId: string;
  /** Chats that have a message of each purpose already. */
  sent: Record<'request' | 'escalation' | 'voided', Set<number>>;
  /** Approved but voided (the parameters changed): owes the voided notice, not the request. */
  voided: boolean;
  escalated: boolean;
}

/**
 * The requests that may still owe a chat a message: pending ones (the request and, once escalated,
 * the escalation) and approvals voided in the last day (the voided notice), with the chats each has
 * reached. Which chats are still owed is the caller's to say (the chat lists are config).
 */
export async function requestsOwingMessages(db: Kysely<Database>, now: Date): Promise<OwedRequest[]> {
  const since = new Date(now.getTime() - 24 * 3600_000);
  const rows = await db
    .selectFrom('approval_requests')
    .select(['id', 'trace_id', 'status', 'escalated_at'])
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'pending'), eb('expires_at', '>', now)]),
        eb.and([eb('status', '=', 'approved'), eb('use_refused', '=', 'payload_changed'), eb('decided_at', '>', since)]),
      ]),
    )
    .orderBy('created_at', 'desc')
    .limit(SWEEP_LIMIT)
    .execute();
  if (rows.length === 0) return [];
  const messages = await db
    .selectFrom('telegram_messages')
    .select(['request_id', 'chat_id', 'purpose'])
    .where(
      'request_id',
      'in',
      rows.map((r) => r.id),
    )
    .execute();
  const byId = new Map<string, OwedRequest>();
  for (const r of rows) {
    byId.set(r.id, {
      id: r.id,
      traceId: r.trace_id,
      voided: r.status !== 'pending',
      escalated: r.escalated_at !== null,
      sent: { request: new Set(), escalation: new Set(), voided: new Set() },
    });
  }
  for (const m of messages) byId.get(m.request_id)?.sent[m.purpose].add(Number(m.chat_id));
  return [...byId.values()];
}

/** Decided or expired requests that still have a message showing buttons. */
export async function requestsWithOpenMessages(db: Kysely<Database>): Promise<{ id: string; traceId: string }[]> {
  const rows = await db
    .selectFrom('telegram_messages as m')
    .innerJoin('approval_requests as r', 'r.id', 'm.request_id')
    .select(['r.id', 'r.trace_id'])
    .distinct()
    .where('m.closed_at', 'is', null)
    .where('r.status', '!=', 'pending')
    .limit(SWEEP_LIMIT)
    .execute();
  return rows.map((r) => ({ id: r.id, traceId: r.trace_id }));
}
