import { z } from '@hono/zod-openapi';

/** The shapes of approval requests in API responses. */
export const Approval = z
  .object({
    id: z.string(),
    traceId: z.string(),
    kind: z.string(),
    source: z.enum(['internal', 'external']),
    title: z.string().nullable(),
    summary: z.string(),
    requester: z.string(),
    priority: z.string(),
    status: z.string(),
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
    evaluation: z.record(z.string(), z.unknown()).nullable().openapi({ description: "an external evaluator's verdict, when asked" }),
  })
  .openapi('Approval');

export const ApprovalDetail = Approval.extend({
  payload: z.record(z.string(), z.unknown()),
  payloadHash: z.string(),
  payloadText: z.string(),
  decisions: z.array(z.object({ channel: z.string(), actor: z.string(), decision: z.string(), reason: z.string(), payloadHash: z.string(), at: z.string() })),
  callbackUrl: z.string().nullable(),
  clientId: z.string().nullable(),
  webhooks: z.array(
    z.object({ eventId: z.string(), event: z.string(), status: z.string(), attempts: z.number(), lastStatus: z.number().nullable(), lastError: z.string().nullable(), deliveredAt: z.string().nullable() }),
  ),
  history: z.array(z.object({ seq: z.number(), at: z.string(), actor: z.string(), channel: z.string(), action: z.string(), data: z.record(z.string(), z.unknown()) })),
}).openapi('ApprovalDetail');

export const Page = z.object({ items: z.array(Approval), hasMore: z.boolean(), nextOffset: z.number().nullable() }).openapi('ApprovalPage');
