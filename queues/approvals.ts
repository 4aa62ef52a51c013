import { z } from 'zod';
import { defineQueue, RETENTION, traceField } from './define.js';

/**
 * Per-request work: expire at the deadline, escalate at the configured share of
 * it, apply the action once approved, tell the requester of any other outcome.
 * Job ids are `<step>-<requestId>` (BullMQ forbids ":" in custom ids), so repeating a step never queues it twice.
 */
export const approvalsQueue = defineQueue({
  name: 'approvals',
  payload: z.strictObject({ ...traceField, requestId: z.uuid() }),
  defaultJobOptions: { attempts: 5, backoff: { type: 'exponential', delay: 2000 }, ...RETENTION },
  triggerable: false,
  recordRuns: true,
  schedule: null,
});

export type ApprovalStep = 'expire' | 'escalate' | 'apply' | 'resolved';
export const approvalJobId = (step: ApprovalStep, requestId: string) => `${step}-${requestId}`;
