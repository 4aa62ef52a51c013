import { approvalExpiryQueue } from '../queues/approval-expiry.js';
import { sweep } from '../src/approvals/lifecycle.js';
import { defineWorker } from './define.js';

export const approvalExpiryWorker = defineWorker({
  queue: approvalExpiryQueue,
  process: ({ deps }) => sweep(deps),
});
