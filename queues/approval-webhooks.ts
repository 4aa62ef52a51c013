import { z } from 'zod';
import { defineQueue, RETENTION, traceField } from './define.js';

/**
 * Decision webhooks: one job per event (job id from the event id, so an event is
 * queued once). The processor retries itself with a capped exponential backoff
 * (approvals.webhooks), counting attempts in Postgres, so a receiver down for
 * hours still gets the event once it is back.
 */
export const approvalWebhooksQueue = defineQueue({
  name: 'approval-webhooks',
  payload: z.strictObject({ ...traceField, eventId: z.string().min(1).max(200) }),
  defaultJobOptions: { attempts: 3, backoff: { type: 'exponential', delay: 1000 }, ...RETENTION },
  triggerable: false,
  recordRuns: false,
  defaultConcurrency: 16,
  schedule: null,
});

/** BullMQ forbids ":" in custom ids; event ids are `<requestId>.<outcome>`. */
export const webhookJobId = (eventId: string) => `webhook-${eventId.replace(/[^A-Za-z0-9._-]/g, '_')}`;
