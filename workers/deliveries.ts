import { DelayedError } from 'bullmq';
import { deliveriesQueue } from '../queues/deliveries.js';
import { deliverBatch } from '../src/campaigns/deliver-batch.js';
import { defineWorker } from './define.js';

export const deliveriesWorker = defineWorker({
  queue: deliveriesQueue,
  async process({ job, data, deps, traceId, token, stopping }) {
    const outcome = await deliverBatch(deps, { campaignId: data.campaignId, batchNo: data.batchNo, traceId, stopping });
    if (outcome.outcome === 'paused') {
      // Paused, held back (Retry-After, an open circuit, no free slot) or this worker is stopping:
      // look again in a second (any worker); the attempt is not used up.
      await job.moveToDelayed(Date.now() + 1000, token);
      throw new DelayedError();
    }
    return outcome;
  },
});
