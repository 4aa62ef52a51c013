import { z } from 'zod';
import { defineQueue, RETENTION, traceField } from './define.js';

/** The hourly safety net behind each request's own expiry job. */
export const approvalExpiryQueue = defineQueue({
  name: 'approval-expiry',
  payload: z.strictObject({ ...traceField }),
  defaultJobOptions: { attempts: 3, backoff: { type: 'exponential', delay: 5000 }, ...RETENTION },
  triggerable: true,
  recordRuns: true,
  schedule: (config) =>
    config.approvals.enabled ? { everyMs: config.approvals.expirySweep.everySec * 1000, jobName: 'sweep' } : null,
});
