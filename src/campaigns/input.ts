import { z } from 'zod';
import { unknownVariables } from './template.js';

export const MECHANISMS = ['points', 'streak', 'badge', 'referral_bonus', 'none'] as const;

const httpUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' });

export const audienceSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('list'),
    userIds: z.array(z.string().min(1).max(200)).min(1, 'the audience is empty').max(200_000),
    /** Extra template variables per recipient, by user id (e.g. a Beta invitation's personal link); never shown by the API. */
    variables: z.record(z.string(), z.record(z.string(), z.string().max(2000))).optional(),
  }),
  z.strictObject({
    type: z.literal('segment'),
    filters: z
      .strictObject({
        tenantIds: z.array(z.string().min(1)).min(1).optional(),
        plans: z.array(z.string().min(1)).min(1).optional(),
        /** Users whose attributes contain these values (JSON containment). */
        userAttributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
      })
      .default({}),
  }),
]);
export type Audience = z.infer<typeof audienceSchema>;

export const rewardSchema = z.strictObject({
  mechanism: z.enum(MECHANISMS),
  amount: z.number().min(0).max(1_000_000),
});
export type Reward = z.infer<typeof rewardSchema>;

export const channelSchema = z.strictObject({
  url: httpUrl,
  headers: z.record(z.string().regex(/^[A-Za-z0-9-]+$/, 'header names are letters, digits and dashes'), z.string().max(1000)).default({}),
  /** Signs each request body: `x-flywheel-signature: sha256=<hex HMAC>`. Never returned by the API. */
  secret: z.string().min(16, 'the signature secret needs at least 16 characters'),
  mode: z.enum(['single', 'batch']).default('single'),
  maxBatch: z.number().int().min(1).max(1000).default(100),
  timeoutMs: z.number().int().min(100).max(60_000).default(5000),
});

export const campaignInputSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    audience: audienceSchema,
    template: z.string().min(1).max(4000),
    reward: rewardSchema.default({ mechanism: 'none', amount: 0 }),
    channel: channelSchema,
    startAt: z.iso.datetime({ offset: true }).optional(),
    maxAttempts: z.number().int().min(1).max(20).default(5),
  })
  .superRefine((input, ctx) => {
    const unknown = unknownVariables(input.template);
    if (unknown.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['template'], message: `unknown template variable ${unknown.map((v) => `{{${v}}}`).join(', ')}` });
    }
  });
export type CampaignInput = z.infer<typeof campaignInputSchema>;
