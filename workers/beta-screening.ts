import { betaScreeningQueue } from '../queues/beta-screening.js';
import { runScreening } from '../src/beta/screening.js';
import { defineWorker } from './define.js';

export const betaScreeningWorker = defineWorker({
  queue: betaScreeningQueue,
  async process({ deps, traceId }) {
    return runScreening(deps, traceId);
  },
});
