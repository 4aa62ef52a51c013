import { setTimeout as delay } from 'node:timers/promises';
import { diagnosticsQueue } from '../queues/diagnostics.js';
import { defineWorker } from './define.js';

export const diagnosticsWorker = defineWorker({
  queue: diagnosticsQueue,
  async process({ data, traceId, job }) {
    if (data.holdMs) await delay(data.holdMs);
    return { echo: data.echo ?? null, traceId, attempt: job.attemptsMade + 1 };
  },
});
