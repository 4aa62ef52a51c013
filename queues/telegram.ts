import { z } from 'zod';
import { defineQueue, RETENTION, traceField } from './define.js';

/**
 * Telegram messages go out through a queue, so a Telegram outage only delays
 * them (retries with backoff) and never blocks a decision on the console.
 */
export const telegramQueue = defineQueue({
  name: 'telegram',
  payload: z.strictObject({ ...traceField, requestId: z.uuid(), step: z.enum(['notify', 'close', 'escalate', 'voided']) }),
  defaultJobOptions: { attempts: 10, backoff: { type: 'exponential', delay: 1000 }, ...RETENTION },
  triggerable: false,
  recordRuns: false,
  schedule: null,
});

export const telegramJobId = (step: 'notify' | 'close' | 'escalate' | 'voided', requestId: string) => `${step}-${requestId}`;
