import { z } from 'zod';
import { defineQueue, RETENTION, traceField } from './define.js';

/** A no-op job that echoes its input: a smoke test of the whole job path, and the benchmark's unit of work. */
export const diagnosticsQueue = defineQueue({
  name: 'diagnostics',
  payload: z.strictObject({
    ...traceField,
    echo: z.string().max(1000).optional(),
    /** Holds the job open this long, to observe in-flight behaviour (shutdown, stalls). */
    holdMs: z.number().int().min(0).max(60_000).optional(),
  }),
  defaultJobOptions: { attempts: 3, backoff: { type: 'exponential', delay: 1000 }, ...RETENTION },
  triggerable: true,
  recordRuns: false,
  schedule: null,
});
