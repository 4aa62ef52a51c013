import type { Registry } from 'prom-client';
import { registerApprovalMetrics } from './approval-metrics.js';
import { registerCampaignMetrics } from './campaign-metrics.js';
import { registerNotificationMetrics } from './notification-metrics.js';
import type { BusinessSources } from './sources.js';

/**
 * Business metrics read at scrape time from Postgres (every record) and Redis (the
 * runtime's limits and the fleet's latency counters): only `web` serves /metrics, so
 * what workers produce is read from where all of them write it, and every `web`
 * reports the same fleet-wide figures, across restarts.
 */
export function registerBusinessMetrics(registry: Registry, sources: BusinessSources): void {
  registerApprovalMetrics(registry, sources);
  registerCampaignMetrics(registry, sources);
  registerNotificationMetrics(registry, sources);
}
