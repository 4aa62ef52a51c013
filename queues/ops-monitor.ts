import { z } from 'zod';
import { defineQueue, RETENTION, traceField } from './define.js';

export const opsMonitorQueue = defineQueue({
  name: 'ops-monitor',
  payload: z.strictObject({ ...traceField }),
  defaultJobOptions: { attempts: 1, ...RETENTION },
  triggerable: true,
  recordRuns: true,
  schedule: (config) =>
    config.ops.enabled ? { everyMs: config.ops.monitor.everySec * 1000, jobName: 'snapshot' } : null,
});
