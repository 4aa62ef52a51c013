import type { Api } from 'grammy';
import { type TelegramStep, telegramJobId, telegramQueue } from '../../queues/telegram.js';
import type { Config } from '../config/schema.js';
import type { Deps } from '../deps.js';
import { isRetryable } from './retry.js';
import { type OwedRequest, requestsOwingMessages, requestsWithOpenMessages } from './store.js';

export interface OwedMessage {
  step: TelegramStep;
  requestId: string;
  traceId: string;
}

/** The message jobs a request still needs for the configured chats (pure). */
export function owedSteps(r: OwedRequest, chats: Pick<Config['telegram'], 'approverChats' | 'escalationChats'>): OwedMessage[] {
  const missing = (list: readonly number[], sent: Set<number>) => list.some((chat) => !sent.has(chat));
  const steps: TelegramStep[] = [];
  if (r.voided) {
    if (missing(chats.approverChats, r.sent.voided)) steps.push('voided');
  } else {
    if (missing(chats.approverChats, r.sent.request)) steps.push('notify');
    if (r.escalated && missing(chats.escalationChats, r.sent.escalation)) steps.push('escalate');
  }
  return steps.map((step) => ({ step, requestId: r.id, traceId: r.traceId }));
}

export interface ResendOutcome {
  owed: number;
  /** The Bot API did not answer the probe: nothing was re-queued, the next sweep tries again. */
  telegramDown?: true;
  added?: number;
  retried?: number;
  promoted?: number;
}

/**
 * The safety net behind each message job's own bounded retries: finds in Postgres
 * what Telegram still owes (a pending request some approver chat has not received,
 * an escalation, a voided notice, a decided request whose buttons still show) and,
 * once the Bot API answers again, runs its job: added when Redis lost it, retried
 * when its attempts ran out during the outage, brought forward when it is waiting
 * out a backoff. A job queued or running is left alone, and the job itself skips
 * every chat that already has the message, so nothing is sent twice.
 */
export async function resendOwed(deps: Deps, api: Api): Promise<ResendOutcome> {
  const { approverChats, escalationChats } = deps.config.telegram;
  const owed = (await requestsOwingMessages(deps.db, deps.clock.now())).flatMap((r) => owedSteps(r, { approverChats, escalationChats }));
  for (const r of await requestsWithOpenMessages(deps.db)) owed.push({ step: 'close', requestId: r.id, traceId: r.traceId });
  if (owed.length === 0) return { owed: 0 };
  try {
    await api.getMe();
  } catch (error) {
    if (isRetryable(error)) return { owed: owed.length, telegramDown: true };
    throw error;
  }
  const outcome = { owed: owed.length, added: 0, retried: 0, promoted: 0 };
  for (const message of owed) {
    const done = await runJob(deps, message);
    if (done !== 'left') outcome[done]++;
  }
  return outcome;
}

async function runJob(deps: Deps, { step, requestId, traceId }: OwedMessage): Promise<'added' | 'retried' | 'promoted' | 'left'> {
  const jobId = telegramJobId(step, requestId);
  const job = await deps.queues.get(telegramQueue.name).getJob(jobId);
  if (!job) {
    await deps.queues.enqueue(telegramQueue, step, { requestId, traceId, step }, { jobId });
    return 'added';
  }
  const state = await job.getState();
  try {
    if (state === 'failed') {
      await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      return 'retried';
    }
    if (state === 'delayed') {
      await job.promote();
      return 'promoted';
    }
  } catch (error) {
    // Another sweep or the worker moved it first: it is on its way either way.
    if ((await job.getState()) !== state) return 'left';
    throw error;
  }
  return 'left';
}
