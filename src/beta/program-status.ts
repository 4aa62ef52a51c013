import type { Deps } from '../deps.js';
import { feedbackCounts } from './feedback-store.js';
import { latestCandidates, participantCounts } from './program-store.js';

/** The latest screening's candidates and where the Beta program stands. */
export async function candidatesView(deps: Deps) {
  const { screening, candidates } = await latestCandidates(deps.db);
  const counts = await participantCounts(deps.db);
  return {
    screening: screening
      ? {
          id: Number(screening.id),
          screenedAt: new Date(screening.screened_at).toISOString(),
          threshold: screening.threshold,
          tenantsScreened: screening.tenants_screened,
          traceId: screening.trace_id,
        }
      : null,
    candidates: candidates.map((c) => ({
      tenantId: c.tenant_id,
      name: c.name,
      plan: c.plan,
      seats: c.seats,
      score: c.score,
      breakdown: c.breakdown,
      activity: c.activity,
      status: c.status ?? 'candidate',
    })),
    program: {
      invited: counts.invited,
      accepted: counts.accepted,
      declined: counts.declined,
      active: counts.active,
      optedOut: counts.opted_out,
      feedback: await feedbackCounts(deps.db),
    },
  };
}
