import { z } from '@hono/zod-openapi';
import type { ApprovalDetail, ApprovalView } from '../../approvals/view.js';

export const JsonValue = z
  .union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.unknown()), z.record(z.string(), z.unknown())])
  .openapi('JsonValue', { description: 'any JSON value' });

/** A JSON object (z.json() is recursive, which the document generator cannot walk); handlers keep Record<string, unknown>. */
export const JsonObject = z.record(z.string(), JsonValue) as unknown as z.ZodType<Record<string, unknown>>;

export const ApprovalSchema = z
  .object({
    id: z.string(),
    traceId: z.string(),
    kind: z.string().openapi({ description: 'the action asked for, e.g. campaign.launch, beta.invite, growth.reward_change' }),
    summary: z.string(),
    requester: z.string(),
    priority: z.string().openapi({ description: 'low, normal, high or critical' }),
    status: z.string().openapi({ description: 'pending, approved, rejected, expired or cancelled' }),
    requiredChannels: z.array(z.string()),
    channels: z.record(z.string(), z.enum(['approved', 'rejected', 'waiting'])),
    reasons: z.array(z.string()),
    createdAt: z.string(),
    expiresAt: z.string(),
    decidedAt: z.string().nullable(),
    resolution: z.string().nullable(),
    usedAt: z.string().nullable(),
  })
  .openapi('Approval');

export const ApprovalDetailSchema = ApprovalSchema.extend({
  payload: JsonObject.openapi({ description: "the action's parameters as they will be applied; their keys depend on kind, and payloadHash binds them" }),
  payloadHash: z.string(),
  payloadText: z.string(),
  decisions: z.array(z.object({ channel: z.string(), actor: z.string(), decision: z.string(), reason: z.string(), payloadHash: z.string(), at: z.string() })),
}).openapi('ApprovalDetail');

// Drift between the views and their documented shape fails the typecheck.
({}) as ApprovalView satisfies z.input<typeof ApprovalSchema>;
({}) as ApprovalDetail satisfies z.input<typeof ApprovalDetailSchema>;
