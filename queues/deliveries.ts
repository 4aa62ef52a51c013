import { z } from 'zod';
import { defineQueue, traceField } from './define.js';

/**
 * One job per batch of a campaign's recipients. Postgres holds each delivery's
 * state, so a retried or redelivered batch only sends what is still outstanding.
 */
export const deliveriesQueue = defineQueue({
  name: 'deliveries',
  payload: z.strictObject({ ...traceField, campaignId: z.uuid(), batchNo: z.number().int().min(0) }),
  defaultJobOptions: {
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: { age: 3600, count: 2000 },
    removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
  },
  triggerable: false,
  recordRuns: false,
  schedule: null,
  defaultConcurrency: 8,
});

export const batchJobId = (campaignId: string, batchNo: number) => `c-${campaignId}-b-${batchNo}`;
