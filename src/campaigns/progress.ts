import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { CampaignRow } from './store.js';
import { deliveryCounts } from './store.js';

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

/** Delivered / failed / remaining, the send rate over the last minute and the ETA at that rate. */
export async function campaignProgress(db: Kysely<Database>, campaignId: string, now: Date) {
  const counts = await deliveryCounts(db, campaignId);
  const recent = await db
    .selectFrom('deliveries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('campaign_id', '=', campaignId)
    .where('delivered_at', '>=', new Date(now.getTime() - 60_000))
    .executeTakeFirstOrThrow();
  const ratePerSec = Number(recent.n) / 60;
  const remaining = counts.pending + counts.retry;
  return {
    delivered: counts.delivered,
    failed: counts.dead,
    retrying: counts.retry,
    remaining,
    total: counts.pending + counts.retry + counts.delivered + counts.dead,
    ratePerSec,
    etaSec: remaining === 0 ? 0 : ratePerSec > 0 ? Math.round(remaining / ratePerSec) : null,
  };
}
