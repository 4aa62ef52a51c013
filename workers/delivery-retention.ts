import { deliveryRetentionQueue } from '../queues/delivery-retention.js';
import { runDeliveryRetention } from '../src/campaigns/retention.js';
import { defineWorker } from './define.js';

export const deliveryRetentionWorker = defineWorker({
  queue: deliveryRetentionQueue,
  process: async ({ deps, traceId }) => runDeliveryRetention(deps, traceId),
});
