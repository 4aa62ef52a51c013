import { type ApprovalStep, approvalJobId, approvalsQueue } from '../../queues/approvals.js';
import type { Deps } from '../deps.js';

/** The delayed jobs each pending request has on the approvals queue (propose.ts schedules them). */
export const TIMER_STEPS = ['expire', 'escalate'] as const satisfies readonly ApprovalStep[];

/**
 * Removes a final request's expiry and escalation jobs, which would otherwise wait
 * in Redis until their deadline (up to the `low` timeout, 24 h) to fire as no-ops:
 * ~70 Redis commands and 9 Postgres statements per request (bench/RESULTS.md).
 * BullMQ does not remove a locked job: one running now (the expiry job that made the
 * request final, or one that fired as it was decided) stays and finds the request
 * final. A removal that fails (Redis unreachable) is only logged: the timer then
 * fires at its deadline as the same no-op, so the request's outcome never waits on it.
 * A finished timer (an escalation that ran) is removed too; its run stays in job_runs.
 * Timers have no children: not looking for them saves a few commands per job.
 */
export async function removeTimers(deps: Deps, id: string): Promise<void> {
  const queue = deps.queues.get(approvalsQueue.name);
  const results = await Promise.allSettled(TIMER_STEPS.map((step) => queue.remove(approvalJobId(step, id), { removeChildren: false })));
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) deps.logger.warn({ err: failed.reason, requestId: id }, 'approval timers not removed: they fire as no-ops at their deadline');
}
