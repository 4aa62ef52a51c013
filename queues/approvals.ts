import { z } from 'zod';
import { defineQueue, RETENTION, traceField } from './define.js';

/** The steps of one approval request. */
export const requestStepPayload = z.strictObject({ ...traceField, requestId: z.uuid() });

/** An action the policy allowed without a person: applied by the same worker as an approved one. */
export const allowedActionPayload = z.strictObject({
  ...traceField,
  kind: z.string().min(1).max(128),
  params: z.record(z.string(), z.unknown()),
  requester: z.string().min(1).max(256),
});
export type AllowedAction = z.output<typeof allowedActionPayload>;

/**
 * Per-request work: expire at the deadline, escalate at the configured share of
 * it (delayed jobs, removed once the request is final: src/approvals/timers.ts), apply the action once approved, tell the requester of any other outcome;
 * and `apply-allowed`, the apply of an action the policy allowed by itself, so
 * every action is applied in a worker whoever allowed it.
 * Job ids are `<step>-<requestId>` (BullMQ forbids ":" in custom ids), so repeating a step never queues it twice.
 */
export const approvalsQueue = defineQueue({
  name: 'approvals',
  payload: z.union([requestStepPayload, allowedActionPayload]),
  defaultJobOptions: { attempts: 5, backoff: { type: 'exponential', delay: 2000 }, ...RETENTION },
  triggerable: false,
  recordRuns: true,
  schedule: null,
});

export type ApprovalStep = 'expire' | 'escalate' | 'apply' | 'resolved';
export const approvalJobId = (step: ApprovalStep, requestId: string) => `${step}-${requestId}`;
/** One apply job per proposal: `key` is the proposal's idempotency key, or its trace id, kind and parameters' hash. */
export const allowedJobId = (keyHash: string) => `apply-allowed-${keyHash}`;
