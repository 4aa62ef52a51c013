import { z } from 'zod';
import { defineQueue, RETENTION, traceField } from './define.js';

/**
 * Campaign lifecycle work: `start` a scheduled campaign at its time, `materialise`
 * a launched campaign's recipients (in chunks, resumable), and the `reconcile`
 * sweep that re-enqueues outstanding deliveries Redis has lost.
 * Not triggerable: `start` applies a guarded action (a launch), which only the
 * approval or the policy may do, never a job posted through the jobs API.
 */
export const campaignsQueue = defineQueue({
  name: 'campaigns',
  payload: z.strictObject({ ...traceField, campaignId: z.uuid().optional() }),
  defaultJobOptions: { attempts: 5, backoff: { type: 'exponential', delay: 2000 }, ...RETENTION },
  triggerable: false,
  recordRuns: true,
  schedule: (config) => ({ everyMs: config.campaigns.reconcileEverySec * 1000, jobName: 'reconcile' }),
  // A long materialisation does not hold back the reconcile sweep or another launch.
  defaultConcurrency: 2,
});
