import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { CampaignRow } from './store.js';
import { type RateSubject, rateAndEta, rateWindow } from './rate-eta.js';
import { deliveredBetween, deliveryCounts, getCampaign } from './store.js';
import { deliverySummary } from './delivery-summary.js';

/** A campaign as the API shows it: never its signature secret. */
export function campaignView(c: CampaignRow) {
  const iso = (v: Date | string | null) => (v ? new Date(v).toISOString() : null);
  return {
    id: c.id,
    name: c.name,
    status: c.status,
    statusReason: c.status_reason,
    // Per-recipient variables can hold personal links (Beta invitations): only their count is shown.
    audience: 'variables' in c.audience ? { ...c.audience, variables: `[${Object.keys((c.audience.variables as object | undefined) ?? {}).length} recipients]` } : c.audience,
    audienceSize: c.audience_size,
    /** Recipients written by the launch's materialisation so far; `done` once all are in. */
    materialisation: { recipients: c.materialised_count, done: c.materialised_at !== null },
    template: c.template,
    reward: c.reward,
    channel: { ...c.channel, secret: '[redacted]' },
    startAt: iso(c.start_at),
    maxAttempts: c.max_attempts,
    approvalId: c.approval_id,
    traceId: c.trace_id,
    createdBy: c.created_by,
    createdAt: iso(c.created_at)!,
    launchedAt: iso(c.launched_at),
    finishedAt: iso(c.finished_at),
  };
}

/** The fields of a campaign row the send rate depends on. */
export function rateSubject(c: Pick<CampaignRow, 'status' | 'launched_at' | 'updated_at' | 'finished_at'>): RateSubject {
  const date = (v: Date | string | null) => (v ? new Date(v) : null);
  // A campaign row changes `updated_at` only on a status change, so while running it is when it last started sending.
  return { status: c.status, launchedAt: date(c.launched_at), runningSince: c.status === 'running' ? date(c.updated_at) : null, finishedAt: date(c.finished_at) };
}

/**
 * Delivered / failed / remaining, the send rate over the time actually elapsed
 * in the last minute (see rateWindow) and the ETA at that rate.
 */
export async function campaignProgress(db: Kysely<Database>, campaignId: string, now: Date, row?: CampaignRow) {
  const campaign = row ?? (await getCampaign(db, campaignId));
  // Once retention summarised a finished campaign its rows may be gone: the summary holds what they said.
  const summary = await deliverySummary(db, campaignId);
  const counts = summary?.counts ?? (await deliveryCounts(db, campaignId));
  const subject = campaign ? rateSubject(campaign) : { status: 'draft', launchedAt: null, runningSince: null, finishedAt: null };
  const window = rateWindow(subject, now);
  const recent = !window ? 0 : summary ? summary.recentDelivered : await deliveredBetween(db, campaignId, window.from, window.to);
  const remaining = counts.pending + counts.retry;
  return {
    delivered: counts.delivered,
    failed: counts.dead,
    retrying: counts.retry,
    remaining,
    total: counts.pending + counts.retry + counts.delivered + counts.dead,
    ...rateAndEta(subject, window, recent, remaining),
  };
}
