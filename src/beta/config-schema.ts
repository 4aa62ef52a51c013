import { z } from 'zod';
import { positive, section } from '../vocabulary/config-fields.js';
import { DEFAULT_SCORE_CONFIG, validateScoreConfig } from './activity-score.js';

const weight = z.number().min(0);
const { windows, halfSaturation: half, weights } = DEFAULT_SCORE_CONFIG;

/** The default invitation text; `{{invite.link}}` accepts, `{{invite.declineLink}}` declines. */
export const DEFAULT_INVITATION_TEMPLATE =
  'Hi {{user.name}}, {{tenant.name}} is invited to the Flywheel Beta. Join: {{invite.link}} (or decline: {{invite.declineLink}})';

const scoreSchema = section({
  recentDays: positive.default(windows.recentDays).describe('length of the recent activity window, days'),
  previousDays: positive.default(windows.previousDays).describe('the window before it, for frequency and trend'),
  recencyHalfLifeDays: positive.default(DEFAULT_SCORE_CONFIG.recencyHalfLifeDays),
  sessionGapMinutes: positive.default(30).describe("a user's events further apart than this start a new session"),
  halfSaturation: section({
    eventsPerDay: positive.default(half.eventsPerDay),
    features: positive.default(half.features),
    sessionMinutes: positive.default(half.sessionMinutes),
    activeUsers: positive.default(half.activeUsers),
  }),
  weights: section({
    recency: weight.default(weights.recency),
    frequency: weight.default(weights.frequency),
    breadth: weight.default(weights.breadth),
    depth: weight.default(weights.depth),
    seats: weight.default(weights.seats),
    trend: weight.default(weights.trend),
  }),
}).superRefine((score, ctx) => {
  try {
    validateScoreConfig(toScoreConfig(score));
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
  }
});

export type BetaScoreSettings = z.output<typeof scoreSchema>;

/** The config's flat score section as src/beta/activity-score.ts takes it. */
export function toScoreConfig(score: BetaScoreSettings) {
  return {
    windows: { recentDays: score.recentDays, previousDays: score.previousDays },
    recencyHalfLifeDays: score.recencyHalfLifeDays,
    halfSaturation: { ...score.halfSaturation },
    weights: { ...score.weights },
  };
}

/** The `beta` config keys beyond the seed's (spread into its section in src/config/schema.ts). */
export const betaConfigShape = {
  analysis: section({ everySec: positive.default(86_400).describe('interval between feedback analyses, seconds') }),
  analysisWindowDays: positive.default(90).describe('feedback older than this is left out of themes and the sprint report'),
  planValue: z
    .record(z.string(), z.number().positive())
    .default({ enterprise: 3, pro: 2 })
    .describe("a tenant's weight in story priority, by plan; plans not listed weigh 1"),
  filters: section({
    minSeats: z.number().int().min(0).default(0).describe('candidates need at least this many licensed seats'),
    plans: z.array(z.string().min(1)).default([]).describe('candidates must be on one of these plans; empty: any'),
    minActiveUsers: z.number().int().min(0).default(0),
    excludeTenantIds: z.array(z.string().min(1)).default([]).describe('never picked (e.g. under a support escalation)'),
  }),
  score: scoreSchema,
  autoInvite: z
    .boolean()
    .default(false)
    .describe('after each screening the PM agent proposes inviting the new candidates (beta.invite through the policy)'),
  invitation: section({
    url: z
      .union([z.literal(''), z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' })])
      .default('')
      .describe('where invitations are POSTed (signed, through the campaign pipeline); empty: invitations off'),
    secret: z
      .union([z.literal(''), z.string().min(16, 'the signature secret needs at least 16 characters')])
      .default('')
      .describe('signs each invitation request body (x-flywheel-signature)'),
    template: z.string().min(1).max(4000).default(DEFAULT_INVITATION_TEMPLATE),
    ttlDays: positive.default(14).describe('an invitation link stops working after this many days'),
  }),
};
