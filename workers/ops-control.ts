import { opsControlQueue } from '../queues/ops-control.js';
import { controlStep } from '../src/ops/control-loop.js';
import { defineWorker } from './define.js';

export const opsControlWorker = defineWorker({
  queue: opsControlQueue,
  process: async ({ deps, traceId }) => ({ campaigns: await controlStep(deps, traceId) }),
});
