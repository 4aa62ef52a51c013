import { z } from 'zod';
import { CHANNELS, EXPIRY_RESOLUTIONS } from '../vocabulary/channels.js';
import { PRIORITIES } from '../vocabulary/priorities.js';
import { PERSON_ROLES, type PersonRole } from '../vocabulary/roles.js';
import { ACTION_KINDS, AGENTS } from './action-kinds.js';
import { DEFAULT_POLICY, type KindPolicy } from './policy-config.js';

const priority = z.enum(PRIORITIES);

const guardrailSchema = z
  .strictObject({
    param: z.string().min(1),
    label: z.string().min(1).optional(),
    measure: z.enum(['value', 'abs', 'length']).optional(),
    max: z.number(),
    hardMax: z.number().optional(),
    hardMin: z.number().optional(),
    required: z.boolean().optional(),
  })
  .refine((g) => g.hardMax === undefined || g.hardMax >= g.max, { message: 'hardMax must be at least max' })
  .refine((g) => g.hardMin === undefined || g.hardMin <= g.max, { message: 'hardMin must be at most max' });

const priorityRuleSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('fixed'), priority }),
  z.strictObject({ type: z.literal('overage'), base: priority, steps: z.array(z.strictObject({ ratio: z.number().positive(), priority })) }),
]);

const copy = <T>(value: T) => () => structuredClone(value);
const proposers = z.array(z.enum(AGENTS));
// `agent` is not among them: an agent token may never decide.
const approverRoles = z.array(z.enum(PERSON_ROLES)).min(1);
const onExpiry = z.enum(EXPIRY_RESOLUTIONS);

/** A built-in kind: every field may be left out and takes the default kind's value. */
function builtinKindSchema(defaults: KindPolicy) {
  return z
    .strictObject({
      enabled: z.boolean().default(defaults.enabled ?? true),
      proposers: proposers.default(copy(defaults.proposers)),
      approverRoles: approverRoles.default(copy(defaults.approverRoles as PersonRole[])),
      guardrails: z.array(guardrailSchema).default(copy(defaults.guardrails)),
      alwaysApprove: z.boolean().default(defaults.alwaysApprove ?? false),
      priority: priorityRuleSchema.default(copy(defaults.priority)),
      onExpiry: onExpiry.default(defaults.onExpiry ?? 'reject'),
    })
    .prefault({});
}

/** A kind beyond the built-in ones (e.g. in tests): who proposes, who approves and the priority rule must be given. */
const customKindSchema = z.strictObject({
  enabled: z.boolean().default(true),
  proposers,
  approverRoles,
  guardrails: z.array(guardrailSchema).default([]),
  alwaysApprove: z.boolean().default(false),
  priority: priorityRuleSchema,
  onExpiry: onExpiry.default('reject'),
});

type BuiltinKinds = { [K in (typeof ACTION_KINDS)[number]]: ReturnType<typeof builtinKindSchema> };
const builtinKinds = Object.fromEntries(ACTION_KINDS.map((kind) => [kind, builtinKindSchema(DEFAULT_POLICY.kinds[kind]!)])) as BuiltinKinds;

/**
 * The `policy` section of the config: absent fields take DEFAULT_POLICY's
 * values, field by field within each built-in kind. Kinds beyond the built-in
 * ones (e.g. in tests) must be given in full, apart from `guardrails`.
 */
export const policyConfigSchema = z
  .strictObject({
    kinds: z.object(builtinKinds).catchall(customKindSchema).prefault({}),
    channels: z.array(z.enum(CHANNELS)).min(1).default(copy(DEFAULT_POLICY.channels)),
  })
  .prefault({});
