import type { decisionsOf, RequestRow } from './store.js';

export type ChannelState = 'approved' | 'rejected' | 'waiting';

export interface ApprovalView {
  id: string;
  traceId: string;
  kind: string;
  summary: string;
  requester: string;
  priority: string;
  status: string;
  requiredChannels: string[];
  channels: Record<string, ChannelState>;
  reasons: string[];
  createdAt: string;
  expiresAt: string;
  decidedAt: string | null;
  resolution: string | null;
  usedAt: string | null;
}

export interface ApprovalDetail extends ApprovalView {
  payload: Record<string, unknown>;
  payloadHash: string;
  payloadText: string;
  decisions: { channel: string; actor: string; decision: string; reason: string; payloadHash: string; at: string }[];
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

export function toView(row: RequestRow, decisions: readonly Decision[]): ApprovalView {
  return {
    id: row.id,
    traceId: row.trace_id,
    kind: row.kind,
    summary: row.summary,
    requester: row.requester,
    priority: row.priority,
    status: row.status,
    requiredChannels: row.required_channels,
    channels: channelStates(row.required_channels, decisions),
    reasons: row.reasons,
    createdAt: iso(row.created_at)!,
    expiresAt: iso(row.expires_at)!,
    decidedAt: iso(row.decided_at),
    resolution: row.resolution,
    usedAt: iso(row.used_at),
  };
}

export function toDetail(row: RequestRow, decisions: readonly Decision[], payloadText: string): ApprovalDetail {
  return {
    ...toView(row, decisions),
    payload: row.payload,
    payloadHash: row.payload_hash,
    payloadText,
    decisions: decisions.map((d) => ({ channel: d.channel, actor: d.actor, decision: d.decision, reason: d.reason, payloadHash: d.payload_hash, at: iso(d.decided_at)! })),
  };
}
