import type { Channel, ExpiryResolution } from '../vocabulary/channels.js';
import type { Priority } from '../vocabulary/priorities.js';
import type { Role } from '../vocabulary/roles.js';
import type { ActionKind, Agent } from './action-kinds.js';

/** A limit on one numeric parameter of a proposal. */
export interface Guardrail {
  /** The parameter, a key of the proposal's params; a dotted path reaches a nested value (`budget.daily`). */
  param: string;
  /** Its name in reasons. @defaultValue the parameter in words (`audienceSize` → `Audience size`) */
  label?: string;
  /**
   * How the parameter is measured: `value` the number itself, `abs` its size
   * whatever the sign (changes), `length` the length of an array or string.
   * @defaultValue `'value'`
   */
  measure?: 'value' | 'abs' | 'length';
  /** Above this a person must approve. */
  max: number;
  /** Above this the proposal is refused outright. @defaultValue no hard upper limit */
  hardMax?: number;
  /** Below this the proposal is refused outright. @defaultValue no hard lower limit */
  hardMin?: number;
  /** A proposal without the parameter is refused (true) or the guardrail skipped (false). @defaultValue true */
  required?: boolean;
}

/** How urgent an approval request is. */
export type PriorityRule =
  | { type: 'fixed'; priority: Priority }
  | {
      /**
       * From how far over its guardrail the proposal is: `ratio` is the value
       * divided by the guardrail's `max`; the highest step reached wins, `base` otherwise.
       */
      type: 'overage';
      base: Priority;
      steps: { ratio: number; priority: Priority }[];
    };

export interface KindPolicy {
  /** A disabled kind is refused. @defaultValue true */
  enabled?: boolean;
  /** Who may propose it. */
  proposers: Agent[];
  /** Roles that may approve or reject it. */
  approverRoles: Role[];
  guardrails: Guardrail[];
  /** A person approves every proposal, even within the guardrails. @defaultValue false */
  alwaysApprove?: boolean;
  priority: PriorityRule;
  /** What a request nobody decided becomes at its deadline. @defaultValue `'reject'` (expired, nothing applied) */
  onExpiry?: ExpiryResolution;
}

export interface PolicyConfig {
  /** Rules per action kind; a kind not listed is refused. @defaultValue DEFAULT_POLICY.kinds */
  kinds: Partial<Record<ActionKind, KindPolicy>> & Record<string, KindPolicy | undefined>;
  /** Where approval requests go (below the dual-channel priority either one decides). @defaultValue `['console', 'telegram']` */
  channels: Channel[];
}

const approvers: Role[] = ['admin', 'approver'];
const byOverage = (steps: { ratio: number; priority: Priority }[]): PriorityRule => ({ type: 'overage', base: 'normal', steps });

/**
 * Conservative defaults: spend, audience and traffic limits well below what
 * the hard limits allow, and a timeout that rejects rather than approves.
 */
export const DEFAULT_POLICY: PolicyConfig = {
  channels: ['console', 'telegram'],
  kinds: {
    'campaign.launch': {
      proposers: ['growth', 'operator'],
      approverRoles: approvers,
      guardrails: [
        { param: 'audienceSize', label: 'Audience', max: 10_000, hardMin: 1, hardMax: 1_000_000 },
        { param: 'budget', label: 'Budget', max: 1_000, hardMin: 0, hardMax: 50_000 },
      ],
      priority: byOverage([{ ratio: 2, priority: 'high' }, { ratio: 5, priority: 'critical' }]),
    },
    'reward.adjust': {
      proposers: ['growth', 'operator'],
      approverRoles: approvers,
      guardrails: [
        { param: 'percentChange', label: 'Reward change (%)', measure: 'abs', max: 10, hardMax: 50 },
        { param: 'budgetDelta', label: 'Budget change', measure: 'abs', max: 1_000, hardMax: 10_000 },
      ],
      priority: byOverage([{ ratio: 2, priority: 'high' }, { ratio: 4, priority: 'critical' }]),
    },
    'beta.invite': {
      proposers: ['pm', 'operator'],
      approverRoles: approvers,
      guardrails: [{ param: 'tenantIds', label: 'Batch size', measure: 'length', max: 10, hardMin: 1, hardMax: 100 }],
      priority: byOverage([{ ratio: 3, priority: 'high' }]),
    },
    'campaign.resume': {
      proposers: ['ops', 'operator'],
      approverRoles: [...approvers, 'operator'],
      guardrails: [],
      alwaysApprove: true,
      priority: { type: 'fixed', priority: 'normal' },
    },
    'scaling.apply': {
      proposers: ['ops', 'operator'],
      approverRoles: [...approvers, 'operator'],
      guardrails: [{ param: 'step', label: 'Scaling step (workers)', measure: 'abs', max: 2, hardMax: 10 }],
      priority: byOverage([{ ratio: 2, priority: 'high' }, { ratio: 4, priority: 'critical' }]),
    },
    'traffic.shift': {
      proposers: ['growth', 'operator'],
      approverRoles: approvers,
      guardrails: [{ param: 'shiftPercent', label: 'Traffic shift (%)', measure: 'abs', max: 20, hardMax: 100 }],
      priority: byOverage([{ ratio: 2, priority: 'high' }, { ratio: 4, priority: 'critical' }]),
    },
    'arm.stop': {
      proposers: ['growth', 'operator'],
      approverRoles: approvers,
      guardrails: [],
      alwaysApprove: true,
      priority: { type: 'fixed', priority: 'low' },
    },
  },
};
