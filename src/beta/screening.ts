import type { ProposalOutcome } from '../approvals/propose.js';
import type { Deps } from '../deps.js';
import { tenantActivity } from './activity-store.js';
import { toScoreConfig } from './config-schema.js';
import { invitationsConfigured, proposeInvitations } from './invitations.js';
import { promoteActive, saveScreening } from './program-store.js';
import { screenCandidates } from './screen-candidates.js';

export interface ScreeningSummary {
  screeningId: number;
  tenantsScreened: number;
  candidates: string[];
  /** Accepted participants that became active (activity since accepting). */
  promotedActive: string[];
  /** With `beta.autoInvite`: what the policy made of inviting the candidates. */
  invitation: ProposalOutcome['outcome'] | null;
}

/**
 * The daily screening: activity features of every tenant from `events`,
 * scored and screened against the configured threshold and filters; the
 * candidates are stored with their score breakdown. A repeated run stores a
 * new screening (the latest one is what the API shows), so a retry is harmless.
 */
export async function runScreening(deps: Deps, traceId: string): Promise<ScreeningSummary> {
  const { beta } = deps.config;
  const now = deps.clock.now();
  const promotedActive = await promoteActive(deps.db, now);
  const tenants = await tenantActivity(deps.db, now, beta.score);
  const { candidates } = screenCandidates(tenants, {
    now,
    threshold: beta.threshold,
    config: toScoreConfig(beta.score),
    filters: {
      minSeats: beta.filters.minSeats,
      plans: beta.filters.plans,
      minActiveUsers: beta.filters.minActiveUsers,
      excludeTenantIds: beta.filters.excludeTenantIds,
    },
  });
  const byId = new Map(tenants.map((t) => [t.tenantId, t]));
  const screeningId = await saveScreening(deps.db, {
    traceId,
    at: now,
    threshold: beta.threshold,
    tenantsScreened: tenants.length,
    candidates: candidates.map((c) => {
      const t = byId.get(c.tenantId)!;
      const activity = {
        lastActivityAt: t.lastActivityAt,
        eventsRecent: t.eventsRecent,
        eventsPrevious: t.eventsPrevious,
        distinctFeatures: t.distinctFeatures,
        avgSessionMinutes: t.avgSessionMinutes,
        activeUsers: t.activeUsers,
      };
      return { tenantId: c.tenantId, score: c.score, breakdown: c.breakdown, activity };
    }),
  });
  deps.logger.info({ traceId, screeningId, tenants: tenants.length, candidates: candidates.length }, 'beta screening done');
  const ids = candidates.map((c) => c.tenantId);
  // Candidates are never already in the Beta, so each run proposes only new ones; the policy
  // sends a small batch now and puts a big one before a person.
  const invitation =
    beta.autoInvite && invitationsConfigured(deps.config) && ids.length > 0
      ? (await proposeInvitations(deps, ids, { proposer: 'pm', requester: 'pm-agent' }, traceId)).outcome
      : null;
  return { screeningId, tenantsScreened: tenants.length, candidates: ids, promotedActive, invitation };
}
