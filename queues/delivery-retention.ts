import { z } from 'zod';
import { defineQueue, RETENTION, traceField } from './define.js';

/**
 * Delivery retention: summarises finished campaigns' delivery rows once they are
 * older than `campaigns.retention.keepDays` and removes them in chunks
 * (src/campaigns/retention.ts). Runs in the `agents` worker group. Not
 * triggerable: it deletes rows, so it runs on its schedule only.
 */
export const deliveryRetentionQueue = defineQueue({
  name: 'delivery-retention',
  payload: z.strictObject({ ...traceField }),
  // A retried run finds the summaries it wrote and goes on removing rows.
  defaultJobOptions: { attempts: 3, backoff: { type: 'exponential', delay: 60_000 }, ...RETENTION },
  triggerable: false,
  recordRuns: true,
  schedule: (config) => (config.campaigns.retention.enabled ? { everyMs: config.campaigns.retention.everySec * 1000, jobName: 'retain' } : null),
});
