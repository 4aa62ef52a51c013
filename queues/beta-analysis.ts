import { z } from 'zod';
import { defineQueue, RETENTION, traceField } from './define.js';

/**
 * The PM agent's daily feedback analysis: themes, user stories and the sprint
 * report. A queue of its own rather than a step of the screening: it reads
 * other data (feedback, not events), can be rerun by hand after a feedback
 * import without rescreening tenants, and a failure of one leaves the other's
 * result standing.
 */
export const betaAnalysisQueue = defineQueue({
  name: 'beta-analysis',
  payload: z.strictObject({ ...traceField }),
  defaultJobOptions: { attempts: 3, backoff: { type: 'exponential', delay: 10_000 }, ...RETENTION },
  triggerable: true,
  recordRuns: true,
  schedule: (config) => (config.beta.enabled ? { everyMs: config.beta.analysis.everySec * 1000, jobName: 'analyse' } : null),
});
