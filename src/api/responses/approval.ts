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
    kind: z.string().openapi({ description: 'the action asked for, e.g. campaign.launch, beta.invite, growth.reward_change, or an outside system\'s meta.strategy.apply' }),
    source: z.enum(['internal', 'external']).openapi({ description: "internal: Flywheel's own agents; external: filed through POST /api/v1/approvals" }),
    title: z.string().nullable().openapi({ description: "an external request's title" }),
    summary: z.string(),
    requester: z.string(),
    priority: z.string().openapi({ description: 'low, normal, high or critical' }),
    status: z.string().openapi({ description: 'pending, approved, rejected, expired or cancelled' }),
    requiredChannels: z.array(z.string()),
    dualChannel: z.boolean().openapi({ description: 'every required channel must approve; otherwise any one decides' }),
    channels: z.record(z.string(), z.enum(['approved', 'rejected', 'waiting'])),
    reasons: z.array(z.string()),
    createdAt: z.string(),
    expiresAt: z.string(),
    decidedAt: z.string().nullable(),
    resolution: z.string().nullable(),
    usedAt: z.string().nullable(),
    useRefused: z.string().nullable().openapi({ description: 'why an approved request was not applied (payload_changed)' }),
    evaluation: JsonObject.nullable().openapi({ description: "an external evaluator's verdict, when one was asked" }),
  })
  .openapi('Approval');

export const ApprovalDetailSchema = ApprovalSchema.extend({
  payload: JsonObject.openapi({ description: "the action's parameters as they will be applied; their keys depend on kind, and payloadHash binds them" }),
  payloadHash: z.string(),
  payloadText: z.string().openapi({ description: 'the card as plain text, as Telegram shows it' }),
  card: z
    .object({
      facts: z.array(z.object({ key: z.string(), label: z.string(), value: z.string() })),
      preview: z.string().nullable().openapi({ description: "a campaign's message with its own values filled in" }),
      markdown: z.string().nullable().openapi({ description: "an external request's Markdown summary" }),
    })
    .openapi({ description: 'what an approver reads, per kind, numbers rounded for people' }),
  decisions: z.array(z.object({ channel: z.string(), actor: z.string(), decision: z.string(), reason: z.string(), payloadHash: z.string(), at: z.string() })),
  callbackUrl: z.string().nullable(),
  clientId: z.string().nullable().openapi({ description: 'the token id that filed an external request' }),
  webhooks: z.array(
    z.object({ eventId: z.string(), event: z.string(), status: z.string(), attempts: z.number(), lastStatus: z.number().nullable(), lastError: z.string().nullable(), deliveredAt: z.string().nullable() }),
  ),
  history: z
    .array(z.object({ seq: z.number().nullable().describe('place in the hash chain; null while the entry waits to be linked'), at: z.string(), actor: z.string(), channel: z.string(), action: z.string(), data: JsonObject }))
    .openapi({ description: 'what happened to the request, from the audit trail (every webhook attempt included)' }),
}).openapi('ApprovalDetail');

export const ApprovalPageSchema = z.object({ items: z.array(ApprovalSchema), hasMore: z.boolean(), nextOffset: z.number().nullable() }).openapi('ApprovalPage');

// Drift between the views and their documented shape fails the typecheck.
({}) as ApprovalView satisfies z.input<typeof ApprovalSchema>;
({}) as ApprovalDetail satisfies z.input<typeof ApprovalDetailSchema>;
