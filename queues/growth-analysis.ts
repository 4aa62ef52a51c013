import { z } from 'zod';
import { defineQueue, RETENTION, traceField } from './define.js';

/** The growth strategist's hourly run: analyse every live experiment and file the proposals it supports. */
export const growthAnalysisQueue = defineQueue({
  name: 'growth-analysis',
  payload: z.strictObject({ ...traceField }),
  // Proposals are idempotent (one approval request per change) and results replace their own row: a retry is safe.
  defaultJobOptions: { attempts: 3, backoff: { type: 'exponential', delay: 10_000 }, ...RETENTION },
  triggerable: true,
  recordRuns: true,
  schedule: (config) => (config.growth.enabled ? { everyMs: config.growth.analysis.everySec * 1000, jobName: 'analyse' } : null),
});
