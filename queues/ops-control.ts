import { z } from 'zod';
import { defineQueue, traceField } from './define.js';

/** The Ops agent's fast loop over running campaigns (controller, limits, auto-pause). */
export const opsControlQueue = defineQueue({
  name: 'ops-control',
  payload: z.strictObject({ ...traceField }),
  defaultJobOptions: { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 1000 } },
  triggerable: false,
  recordRuns: false,
  schedule: (config) => (config.ops.enabled ? { everyMs: config.ops.control.everyMs, jobName: 'step' } : null),
});
