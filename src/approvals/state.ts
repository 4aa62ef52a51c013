import type { ApprovalState } from './decide.js';
import type { decisionsOf, RequestRow } from './store.js';

type Decision = Awaited<ReturnType<typeof decisionsOf>>[number];

/** The decision reducer's view of a stored request. */
export function decisionState(row: RequestRow, decisions: readonly Decision[]): ApprovalState {
  return {
    status: row.status,
    priority: row.priority,
    requester: row.requester,
    requesterPerson: row.requester_person,
    payloadHash: row.payload_hash,
    requiredChannels: row.required_channels,
    decisions: decisions.map((d) => ({
      channel: d.channel,
      actor: d.actor,
      person: d.actor_person,
      decision: d.decision,
      reason: d.reason,
      payloadHash: d.payload_hash,
      at: new Date(d.decided_at),
    })),
    requireDistinctApprovers: row.require_distinct_approvers,
    expiresAt: new Date(row.expires_at),
    decidedAt: row.decided_at ? new Date(row.decided_at) : null,
    resolution: row.resolution,
  };
}
