import { activityScore, DEFAULT_SCORE_CONFIG } from './activity-score.js';
import type { ActivityScore, ScoreConfig, TenantActivity } from './activity-score.js';

export interface BetaTenant extends TenantActivity {
  plan: string;
  /** Licensed seats. */
  seats: number;
  inBeta: boolean;
  optedOut: boolean;
}

export interface CandidateFilters {
  /** Minimum licensed seats. @defaultValue no minimum */
  minSeats?: number;
  /** Allowed plans; empty or absent allows all. @defaultValue all plans */
  plans?: readonly string[];
  /** Minimum active users in the recent window. @defaultValue no minimum */
  minActiveUsers?: number;
  /** Tenants never to pick (e.g. under a support escalation). @defaultValue none */
  excludeTenantIds?: readonly string[];
}

export interface ScreenOptions {
  /** Pick tenants whose score is strictly greater than this. @defaultValue 0.8 */
  threshold?: number;
  /** @defaultValue no filters */
  filters?: CandidateFilters;
  /** Reference time for recency. */
  now: string | number | Date;
  /** @defaultValue DEFAULT_SCORE_CONFIG */
  config?: ScoreConfig;
}

export interface ScreenedTenant extends ActivityScore {
  tenantId: string;
}

export interface ScreeningResult {
  /** Picked tenants, highest score first (ties by tenant id). */
  candidates: ScreenedTenant[];
  /** Every other tenant with all the reasons it was not picked. */
  rejected: Array<ScreenedTenant & { reasons: string[] }>;
}

/**
 * Beta-programme screening: a tenant is picked when its activity score is
 * above the threshold, it is not already in the beta, has not opted out and
 * passes every filter.
 */
export function screenCandidates(tenants: readonly BetaTenant[], options: ScreenOptions): ScreeningResult {
  const { threshold = 0.8, filters = {}, now, config = DEFAULT_SCORE_CONFIG } = options;
  const allowedPlans = filters.plans && filters.plans.length > 0 ? new Set(filters.plans) : undefined;
  const excluded = new Set(filters.excludeTenantIds ?? []);
  const candidates: ScreenedTenant[] = [];
  const rejected: ScreeningResult['rejected'] = [];
  for (const tenant of tenants) {
    const scored = { tenantId: tenant.tenantId, ...activityScore(tenant, now, config) };
    const reasons: string[] = [];
    if (!(scored.score > threshold)) reasons.push(`score ${scored.score} not above ${threshold}`);
    if (tenant.inBeta) reasons.push('already in beta');
    if (tenant.optedOut) reasons.push('opted out');
    if (excluded.has(tenant.tenantId)) reasons.push('excluded');
    if (filters.minSeats !== undefined && tenant.seats < filters.minSeats) reasons.push(`${tenant.seats} seats < ${filters.minSeats}`);
    if (allowedPlans && !allowedPlans.has(tenant.plan)) reasons.push(`plan ${tenant.plan} not in ${[...allowedPlans].join(', ')}`);
    if (filters.minActiveUsers !== undefined && tenant.activeUsers < filters.minActiveUsers) {
      reasons.push(`${tenant.activeUsers} active users < ${filters.minActiveUsers}`);
    }
    if (reasons.length === 0) candidates.push(scored);
    else rejected.push({ ...scored, reasons });
  }
  candidates.sort((a, b) => b.score - a.score || a.tenantId.localeCompare(b.tenantId));
  return { candidates, rejected };
}
