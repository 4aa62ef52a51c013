import { z } from 'zod';
import { defineQueue, RETENTION, traceField } from './define.js';

/** The PM agent's daily screening: activity scores from events, Beta candidates with their breakdown. */
export const betaScreeningQueue = defineQueue({
  name: 'beta-screening',
  payload: z.strictObject({ ...traceField }),
  defaultJobOptions: { attempts: 3, backoff: { type: 'exponential', delay: 10_000 }, ...RETENTION },
  triggerable: true,
  recordRuns: true,
  schedule: (config) => (config.beta.enabled ? { everyMs: config.beta.screening.everySec * 1000, jobName: 'screen' } : null),
});
