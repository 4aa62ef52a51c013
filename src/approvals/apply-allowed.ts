import type { AllowedAction } from '../../queues/approvals.js';
import { appendAudit } from '../audit/store.js';
import type { Deps } from '../deps.js';

/**
 * Applies an action the policy allowed without a person, in the approvals worker as
 * an approved one is: `propose` only queues this, so a request never does the work.
 * Handlers are idempotent (conditional updates), so a retried job applies once.
 */
export async function applyAllowed(deps: Deps, job: AllowedAction): Promise<{ applied: true; result: Record<string, unknown> }> {
  const handler = deps.actions.get(job.kind);
  if (!handler) throw new Error(`no handler applies ${job.kind}`);
  const traceId = job.traceId ?? `apply-${job.kind}`;
  const result = await handler.apply(deps, job.params, { traceId, approvalId: null, actor: job.requester });
  await appendAudit(deps.db, {
    traceId,
    actor: job.requester,
    channel: 'policy',
    action: 'action.applied',
    subjectType: 'action',
    subjectId: job.kind,
    data: { params: job.params, result: JSON.parse(JSON.stringify(result)) as unknown, approval: null },
    at: deps.clock.now(),
  });
  return { applied: true, result };
}
