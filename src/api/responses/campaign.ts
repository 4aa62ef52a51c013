import { z } from '@hono/zod-openapi';
import { MECHANISMS } from '../../campaigns/input.js';
import type { CampaignProgress, campaignView } from '../../campaigns/progress.js';
import type { LiveLimits } from '../../campaign-runtime/fleet-limiter.js';
import { ApprovalSchema } from './approval.js';

export const CAMPAIGN_STATUSES = ['draft', 'pending_approval', 'scheduled', 'running', 'paused', 'completed', 'cancelled', 'failed'] as const;

// CampaignRow types its audience column loosely (Record<string, unknown>); the document gives its shape,
// the handler types keep the row's.
const Audience = z.union([
  z.object({
    type: z.literal('list'),
    listed: z.number().int().openapi({ description: 'how many user ids the list holds; the ids are not shown (up to 200,000), each has its delivery row once launched' }),
    variables: z.string().optional().openapi({ description: 'per-recipient variables are never shown: "[N recipients]"' }),
  }),
  z.object({
    type: z.literal('segment'),
    filters: z.object({
      tenantIds: z.array(z.string()).optional(),
      plans: z.array(z.string()).optional(),
      userAttributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    }),
  }),
]) as unknown as z.ZodType<Record<string, unknown>>;

export const LimitsSchema = z
  .object({
    concurrency: z.number().optional().openapi({ description: 'requests in flight across every worker' }),
    ratePerSec: z.number().optional().openapi({ description: 'requests started per second across every worker' }),
    batchSize: z.number().optional().openapi({ description: 'recipients per request in batch mode' }),
    paused: z.boolean(),
  })
  .openapi('CampaignLimits');

const Progress = z.object({
  delivered: z.number(),
  failed: z.number(),
  retrying: z.number(),
  remaining: z.number(),
  total: z.number(),
  ratePerSec: z.number().openapi({ description: 'deliveries per second over the last minute, or since the launch or latest resume when that is more recent' }),
  rateOverSec: z.number().openapi({ description: 'the seconds ratePerSec was measured over' }),
  etaSec: z.number().nullable().openapi({ description: 'seconds left at ratePerSec; 0 when nothing remains, null while not sending' }),
});

export const CampaignSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    status: z.string().openapi({ description: CAMPAIGN_STATUSES.join(', ') }),
    statusReason: z.string().nullable(),
    audience: Audience,
    audienceSize: z.number().nullable().openapi({ description: 'null until the audience is materialised at launch' }),
    template: z.string(),
    reward: z.object({ mechanism: z.string().openapi({ description: MECHANISMS.join(', ') }), amount: z.number() }),
    channel: z.object({
      url: z.string(),
      headers: z.record(z.string(), z.string()),
      secret: z.string().openapi({ description: 'always "[redacted]"' }),
      mode: z.enum(['single', 'batch']),
      maxBatch: z.number(),
      timeoutMs: z.number(),
    }),
    startAt: z.string().nullable(),
    maxAttempts: z.number(),
    approvalId: z.string().nullable(),
    traceId: z.string(),
    createdBy: z.string(),
    createdAt: z.string(),
    launchedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    progress: Progress.optional().openapi({ description: 'one campaign only' }),
    limits: LimitsSchema.optional().openapi({ description: 'one campaign only: the fleet-wide limits in force' }),
  })
  .openapi('Campaign');

/** What a launch, pause, resume or cancel did; `campaign` is the campaign afterwards. */
export const CampaignActionOutcomeSchema = z
  .object({
    outcome: z.enum(['applied', 'refused', 'approval_requested']).optional().openapi({ description: 'launch, and resume of an auto-paused campaign: what the policy decided' }),
    applyJobId: z.string().optional().openapi({ description: 'applied: the queued job (queue `approvals`) that applies it in a worker, as for an approved action' }),
    reason: z.string().optional().openapi({ description: 'refused: why' }),
    request: ApprovalSchema.optional().openapi({ description: 'approval_requested: the request waiting for people' }),
    created: z.boolean().optional(),
    paused: z.boolean().optional(),
    resumed: z.boolean().optional(),
    cancelled: z.boolean().optional(),
    campaign: CampaignSchema.optional(),
  })
  .openapi('CampaignActionOutcome');

// Drift between the views and their documented shape fails the typecheck.
type View = ReturnType<typeof campaignView> & { progress?: CampaignProgress; limits?: LiveLimits };
({}) as View satisfies z.input<typeof CampaignSchema>;
