import { approvalsQueue } from '../queues/approvals.js';
import { applyApproved, notifyResolved } from '../src/approvals/apply-approved.js';
import { escalateRequest, expireRequest } from '../src/approvals/lifecycle.js';
import { defineWorker } from './define.js';

export const approvalsWorker = defineWorker({
  queue: approvalsQueue,
  async process({ job, data, deps }) {
    switch (job.name) {
      case 'expire':
        return { expired: await expireRequest(deps, data.requestId, 'deadline') };
      case 'escalate':
        return { escalated: await escalateRequest(deps, data.requestId) };
      case 'apply':
        return applyApproved(deps, data.requestId);
      case 'resolved':
        await notifyResolved(deps, data.requestId);
        return { notified: true };
      default:
        throw new Error(`unknown approvals step ${job.name}`);
    }
  },
});
