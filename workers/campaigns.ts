import { campaignsQueue } from '../queues/campaigns.js';
import { startCampaign } from '../src/campaigns/launch.js';
import { reconcile } from '../src/campaigns/reconcile.js';
import { defineWorker } from './define.js';

export const campaignsWorker = defineWorker({
  queue: campaignsQueue,
  async process({ job, data, deps, traceId }) {
    if (job.name === 'start') {
      if (!data.campaignId) throw new Error('start needs a campaignId');
      return startCampaign(deps, data.campaignId, traceId, 'schedule');
    }
    return reconcile(deps, traceId);
  },
});
