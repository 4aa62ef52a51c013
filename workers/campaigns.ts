import { UnrecoverableError } from 'bullmq';
import { campaignsQueue } from '../queues/campaigns.js';
import { StartRefusedError, startCampaign } from '../src/campaigns/launch.js';
import { materialise } from '../src/campaigns/materialise.js';
import { reconcile } from '../src/campaigns/reconcile.js';
import { defineWorker } from './define.js';

export const campaignsWorker = defineWorker({
  queue: campaignsQueue,
  async process({ job, data, deps, traceId, progress }) {
    if (job.name === 'materialise') {
      if (!data.campaignId) throw new UnrecoverableError('materialise needs a campaignId');
      return materialise(deps, data.campaignId, traceId, progress);
    }
    if (job.name === 'start') {
      if (!data.campaignId) throw new UnrecoverableError('start needs a campaignId');
      try {
        return await startCampaign(deps, data.campaignId, traceId, 'schedule', { by: 'schedule' });
      } catch (error) {
        // Retrying cannot turn a refusal into a permission.
        if (error instanceof StartRefusedError) throw new UnrecoverableError(error.message);
        throw error;
      }
    }
    return reconcile(deps, traceId);
  },
});
