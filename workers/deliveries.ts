import { DelayedError } from 'bullmq';
import { deliveriesQueue } from '../queues/deliveries.js';
import { deliverBatch } from '../src/campaigns/deliver-batch.js';
import { defineWorker } from './define.js';

export const deliveriesWorker = defineWorker({
  queue: deliveriesQueue,
  async process({ job, data, deps, traceId, token }) {
    const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const outcome = await deliverBatch(deps, { campaignId: data.campaignId, batchNo: data.batchNo, traceId, finalAttempt });
    if (outcome.outcome === 'paused') {
      // Look again in a second; the attempt is not used up.
      await job.moveToDelayed(Date.now() + 1000, token);
      throw new DelayedError();
    }
    return outcome;
  },
});
