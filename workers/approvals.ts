import { allowedActionPayload, approvalsQueue, requestStepPayload } from '../queues/approvals.js';
import { applyAllowed } from '../src/approvals/apply-allowed.js';
import { applyApproved, notifyResolved } from '../src/approvals/apply-approved.js';
import { escalateRequest, expireRequest } from '../src/approvals/lifecycle.js';
import { defineWorker } from './define.js';

export const approvalsWorker = defineWorker({
  queue: approvalsQueue,
  async process({ job, data, deps }) {
    if (job.name === 'apply-allowed') return applyAllowed(deps, allowedActionPayload.parse(data));
    const { requestId } = requestStepPayload.parse(data);
    switch (job.name) {
      case 'expire':
        return { expired: await expireRequest(deps, requestId, 'deadline') };
      case 'escalate':
        return { escalated: await escalateRequest(deps, requestId) };
      case 'apply':
        return applyApproved(deps, requestId);
      case 'resolved':
        await notifyResolved(deps, requestId);
        return { notified: true };
      default:
        throw new Error(`unknown approvals step ${job.name}`);
    }
  },
});
