import type { Priority } from '../vocabulary/priorities.js';
import type { ApprovalCard } from './card.js';
import type { decisionsOf, RequestRow } from './store.js';
import { requiresDualChannel } from './timeouts.js';

export type ChannelState = 'approved' | 'rejected' | 'waiting';

export interface ApprovalView {
  id: string;
  traceId: string;
  kind: string;
  /** `internal` (Flywheel's agents) or `external` (filed through POST /api/v1/approvals). */
  source: 'internal' | 'external';
  /** An external request's title; null for Flywheel's own. */
  title: string | null;
  summary: string;
  requester: string;
  priority: string;
  status: string;
  requiredChannels: string[];
  /** Whether every required channel must approve (at or above the dual-channel priority); else any one settles it. */
  dualChannel: boolean;
  channels: Record<string, ChannelState>;
  reasons: string[];
  createdAt: string;
  expiresAt: string;
  decidedAt: string | null;
  resolution: string | null;
  usedAt: string | null;
  /** Why an approved request was not applied (`payload_changed`, …); null otherwise. */
  useRefused: string | null;
  /** An external evaluator's verdict, when one was asked. */
  evaluation: Record<string, unknown> | null;
}

export interface ApprovalDetail extends ApprovalView {
  payload: Record<string, unknown>;
  payloadHash: string;
  /** The card as plain text (what Telegram and the CLI show). */
  payloadText: string;
  /** What an approver reads, per kind: facts rounded for people, a message preview, an external request's Markdown. */
  card: ApprovalCard;
  decisions: { channel: string; actor: string; decision: string; reason: string; payloadHash: string; at: string }[];
  callbackUrl: string | null;
  /** The token id that filed an external request (it alone of agents may read it). */
  clientId: string | null;
  /** Outcome webhooks of the request: delivery state and attempts. */
  webhooks: { eventId: string; event: string; status: string; attempts: number; lastStatus: number | null; lastError: string | null; deliveredAt: string | null }[];
  /** Everything that happened to the request, from the audit trail, oldest first (each webhook attempt included). */
  history: { seq: number | null; at: string; actor: string; channel: string; action: string; data: Record<string, unknown> }[];
}

type Decision = Awaited<ReturnType<typeof decisionsOf>>[number];
const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

/** Where each required channel stands: its latest decision, if any. */
export function channelStates(required: readonly string[], decisions: readonly Pick<Decision, 'channel' | 'decision'>[]): Record<string, ChannelState> {
  const states: Record<string, ChannelState> = {};
  for (const channel of required) states[channel] = 'waiting';
  for (const d of decisions) states[d.channel] = d.decision === 'approve' ? 'approved' : 'rejected';
  return states;
}

export function toView(row: RequestRow, decisions: readonly Decision[], dualChannelMinPriority: Priority = 'high'): ApprovalView {
  return {
    id: row.id,
    traceId: row.trace_id,
    kind: row.kind,
    source: row.source,
    title: row.title,
    summary: row.summary,
    requester: row.requester,
    priority: row.priority,
    status: row.status,
    requiredChannels: row.required_channels,
    dualChannel: row.required_channels.length > 1 && requiresDualChannel(row.priority, dualChannelMinPriority),
    channels: channelStates(row.required_channels, decisions),
    reasons: row.reasons,
    createdAt: iso(row.created_at)!,
    expiresAt: iso(row.expires_at)!,
    decidedAt: iso(row.decided_at),
    resolution: row.resolution,
    usedAt: iso(row.used_at),
    useRefused: row.use_refused,
    evaluation: row.evaluation ?? null,
  };
}

export function toDetail(
  row: RequestRow,
  decisions: readonly Decision[],
  payloadText: string,
  dualChannelMinPriority: Priority = 'high',
  extra: Pick<ApprovalDetail, 'webhooks' | 'history' | 'card'> = { webhooks: [], history: [], card: { facts: [], preview: null, markdown: null } },
): ApprovalDetail {
  return {
    ...toView(row, decisions, dualChannelMinPriority),
    ...extra,
    callbackUrl: row.callback_url,
    clientId: row.client_id,
    payload: row.payload,
    payloadHash: row.payload_hash,
    payloadText,
    decisions: decisions.map((d) => ({ channel: d.channel, actor: d.actor, decision: d.decision, reason: d.reason, payloadHash: d.payload_hash, at: iso(d.decided_at)! })),
  };
}
