import { z } from 'zod';
import { defineQueue, RETENTION, traceField } from './define.js';

export const TELEGRAM_STEPS = ['notify', 'close', 'escalate', 'voided'] as const;
export type TelegramStep = (typeof TELEGRAM_STEPS)[number];

/**
 * Telegram messages go out through a queue, so a Telegram outage only delays
 * them and never blocks a decision on the console. A message job retries
 * itself (config telegram.delivery: bounded attempts, capped backoff, the job
 * moved to delayed so the queue serves others meanwhile) and then fails; the
 * scheduled `resend` sweep re-runs whatever Postgres says is still owed once
 * the Bot API answers again.
 */
export const telegramQueue = defineQueue({
  name: 'telegram',
  payload: z.union([
    z.strictObject({ ...traceField, requestId: z.uuid(), step: z.enum(TELEGRAM_STEPS) }),
    // The resend sweep (a scheduler tick carries no data).
    z.strictObject({ ...traceField }),
  ]),
  // One BullMQ attempt: the processor does its own retries (see workers/telegram.ts).
  defaultJobOptions: { attempts: 1, ...RETENTION },
  triggerable: false,
  recordRuns: false,
  schedule: (config) => (config.telegram.enabled ? { everyMs: config.telegram.delivery.resendEverySec * 1000, jobName: 'resend' } : null),
});

export const telegramJobId = (step: TelegramStep, requestId: string) => `${step}-${requestId}`;
