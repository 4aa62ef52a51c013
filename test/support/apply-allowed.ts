import { allowedActionPayload, approvalsQueue } from '../../queues/approvals.js';
import { applyAllowed } from '../../src/approvals/apply-allowed.js';
import type { Deps } from '../../src/deps.js';

/**
 * A proposal the policy allows queues its apply job (`apply-allowed` on `approvals`); a test that
 * runs no approvals worker takes the matching waiting jobs and applies them itself, as the worker
 * would. A job a worker holds already cannot be removed and is left to it. Returns how many it applied.
 */
export async function appliedAllowed(deps: Deps, match: (kind: string, params: Record<string, unknown>) => boolean): Promise<number> {
  const queue = deps.queues.get(approvalsQueue.name);
  let applied = 0;
  for (const job of await queue.getJobs(['waiting', 'prioritized', 'delayed'])) {
    if (job?.name !== 'apply-allowed') continue;
    const data = allowedActionPayload.parse(job.data);
    if (!match(data.kind, data.params)) continue;
    const taken = await job.remove().then(
      () => true,
      () => false,
    );
    if (!taken) continue;
    await applyAllowed(deps, data);
    applied += 1;
  }
  return applied;
}
