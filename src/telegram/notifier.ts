import { type Api, InlineKeyboard } from 'grammy';
import type { Message } from 'grammy/types';
import { approvalDetail } from '../approvals/read.js';
import { appendAudit } from '../audit/store.js';
import type { Deps } from '../deps.js';
import { callbackSecret } from './api.js';
import { encodeCallback } from './callback-data.js';
import { closedText, requestText, voidedText } from './messages.js';
import { recordNotificationFailure } from '../metrics/notification-metrics.js';
import { isPermanent } from './retry.js';
import { closeMessage, openMessages, saveMessage, sentChats } from './store.js';

function keyboard(deps: Deps, requestId: string) {
  const secret = callbackSecret(deps.config.telegram);
  return new InlineKeyboard()
    .text('✅ Approve', encodeCallback({ requestId, decision: 'approve' }, secret))
    .text('❌ Reject', encodeCallback({ requestId, decision: 'reject' }, secret));
}

/**
 * Sends the request (or, for `voided`, the news that an approved request was not
 * applied) to every chat that has not had it yet, so a retried job never sends
 * twice to a chat that already got it.
 */
export async function sendRequestMessages(deps: Deps, api: Api, requestId: string, purpose: 'request' | 'escalation' | 'voided') {
  const detail = await approvalDetail(deps, requestId);
  if (purpose !== 'voided' && detail.status !== 'pending') return { sent: 0, skipped: 'no longer pending' };
  const chats = purpose === 'escalation' ? deps.config.telegram.escalationChats : deps.config.telegram.approverChats;
  const already = await sentChats(deps.db, requestId, purpose);
  let sent = 0;
  const refused: { chatId: number; error: string }[] = [];
  for (const chatId of chats) {
    if (already.has(chatId)) continue;
    let message: Message.TextMessage;
    try {
      message =
        purpose === 'voided'
          ? await api.sendMessage(chatId, voidedText(detail))
          : await api.sendMessage(chatId, requestText(detail, purpose === 'escalation'), { reply_markup: keyboard(deps, requestId) });
    } catch (error) {
      await recordNotificationFailure(deps.redis, deps.config.redis.prefix, 'telegram');
      // A chat that refuses (bot blocked, chat not found) would refuse a retry too: the other chats still get theirs.
      // Anything else (network, 5xx) is thrown for the job to retry; the chats already sent are not sent again.
      if (!isPermanent(error)) throw error;
      refused.push({ chatId, error: error.description });
      continue;
    }
    await saveMessage(deps.db, { requestId, chatId, messageId: message.message_id, purpose });
    sent++;
  }
  await appendAudit(deps.db, {
    traceId: detail.traceId,
    actor: 'flywheel',
    channel: 'telegram',
    action: purpose === 'request' ? 'telegram.notified' : purpose === 'escalation' ? 'telegram.escalated' : 'telegram.voided_notified',
    subjectType: 'approval',
    subjectId: requestId,
    data: refused.length > 0 ? { chats: chats.length, sent, refused } : { chats: chats.length, sent },
    at: deps.clock.now(),
  });
  return refused.length > 0 ? { sent, refused } : { sent };
}

/** Telegram's answer to an edit that changes nothing: the message shows the outcome already, no failure. */
const NOT_MODIFIED = /message is not modified/i;

/** Edits every open message of a decided or expired request to its outcome and removes the buttons. */
export async function closeRequestMessages(deps: Deps, api: Api, requestId: string) {
  const detail = await approvalDetail(deps, requestId);
  if (detail.status === 'pending') return { closed: 0 };
  let closed = 0;
  for (const m of await openMessages(deps.db, requestId)) {
    try {
      await api.editMessageText(Number(m.chat_id), Number(m.message_id), closedText(detail), { reply_markup: { inline_keyboard: [] } });
    } catch (error) {
      // Already showing this text (an earlier attempt got through), or past editing for good (deleted, bot
      // blocked): nothing left to do. A network error or 5xx is thrown for the job to retry.
      if (!(isPermanent(error) && NOT_MODIFIED.test(error.description))) await recordNotificationFailure(deps.redis, deps.config.redis.prefix, 'telegram');
      if (!isPermanent(error)) throw error;
    }
    await closeMessage(deps.db, requestId, Number(m.chat_id), Number(m.message_id), deps.clock.now());
    closed++;
  }
  return { closed };
}
