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
