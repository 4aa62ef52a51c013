import { z } from 'zod';
import { BUCKET_HASHES } from './assignment.js';

export const MECHANISMS = ['points', 'streak', 'badge', 'referral_bonus', 'none'] as const;

const armSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9_.-]+$/, 'arm names are letters, digits, _ . and -'),
    mechanism: z.enum(MECHANISMS),
    /** Reward per conversion, in currency units (or points). */
    amount: z.number().min(0).max(1_000_000),
    /** Traffic weight, any scale; weights are normalised by their sum. */
    weight: z.number().min(0).max(1_000_000).default(1),
  })
  .refine((arm) => arm.mechanism !== 'none' || arm.amount === 0, { path: ['amount'], message: "an arm with mechanism 'none' pays no reward: amount must be 0" });
export type ArmInput = z.infer<typeof armSchema>;

/**
 * An A/B experiment on a draft campaign's reward: a control arm and one or
 * more variant arms. Every recipient is assigned an arm at launch and gets that
 * arm's reward; conversions are `goalEvent` events within the attribution
 * window after the delivery.
 */
export const experimentInputSchema = z
  .strictObject({
    /** Hashed with each user id to assign arms; stable ids keep assignments stable. @defaultValue `campaign-<id>` */
    key: z.string().trim().min(1).max(128).regex(/^[A-Za-z0-9_.:-]+$/, 'keys are letters, digits, _ . : and -').optional(),
    goalEvent: z.string().trim().min(1).max(128),
    /** Event type whose numeric `revenueProperty` counts as revenue, besides the goal event's own. @defaultValue 'revenue' */
    revenueEvent: z.string().trim().min(1).max(128).default('revenue'),
    revenueProperty: z.string().trim().min(1).max(128).default('revenue'),
    /** Conversions count up to this long after the delivery. @defaultValue 7 days */
    attributionWindowSec: z.number().int().min(60).max(90 * 86_400).default(7 * 86_400),
    control: armSchema,
    variants: z.array(armSchema).min(1).max(9),
    allocation: z
      .discriminatedUnion('mode', [
        z.strictObject({ mode: z.literal('fixed') }),
        /** Hourly Thompson sampling over the arms; the control keeps at least `controlFloor` of traffic. */
        z.strictObject({ mode: z.literal('thompson'), controlFloor: z.number().min(0).max(1).default(0.1) }),
      ])
      .default({ mode: 'fixed' }),
    /**
     * How users are bucketed: 'growthbook-v2' is the GrowthBook SDK's hash (seed = key, value = user id),
     * so the SDK in a front end with the same key and weights picks the same arm; 'sha256' is Flywheel's original hash.
     * Fixed for the experiment's life. @defaultValue 'growthbook-v2'
     */
    hash: z.enum(BUCKET_HASHES).default('growthbook-v2'),
    /** Exposures every arm needs before results are acted on. @defaultValue from `samplePlan`, else config growth.minSamplePerArm */
    minSamplePerArm: z.number().int().min(1).max(10_000_000).optional(),
    /** The smallest effect worth detecting; sets minSamplePerArm at config growth.alpha and growth.power. */
    samplePlan: z
      .strictObject({
        baselineRate: z.number().gt(0).lt(1),
        minDetectableEffect: z.number().gt(0),
        effectType: z.enum(['absolute', 'relative']).default('absolute'),
      })
      .optional(),
  })
  .superRefine((input, ctx) => {
    const seen = new Set([input.control.name]);
    input.variants.forEach((arm, i) => {
      if (seen.has(arm.name)) ctx.addIssue({ code: 'custom', path: ['variants', i, 'name'], message: `arm name ${arm.name} is used twice` });
      seen.add(arm.name);
    });
    if (!(input.control.weight > 0)) ctx.addIssue({ code: 'custom', path: ['control', 'weight'], message: 'the control arm needs a positive weight' });
  });
export type ExperimentInput = z.infer<typeof experimentInputSchema>;
