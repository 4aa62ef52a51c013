import { DelayedError } from 'bullmq';
import { approvalWebhooksQueue } from '../queues/approval-webhooks.js';
import { deliverWebhook } from '../src/approvals/webhooks.js';
import { defineWorker } from './define.js';

export const approvalWebhooksWorker = defineWorker({
  queue: approvalWebhooksQueue,
  async process({ job, token, data, deps }) {
    const outcome = await deliverWebhook(deps, data.eventId);
    if (outcome.retryAt === undefined) return outcome;
    // The receiver failed: wait (capped exponential backoff) without using up BullMQ's attempts.
    await job.moveToDelayed(outcome.retryAt, token);
    throw new DelayedError();
  },
});
