import type { ApprovalDetail } from '../approvals/view.js';

/** The text of an approval request message (plain text: no parse mode, nothing to escape). */
export function requestText(a: ApprovalDetail, escalation = false): string {
  return [
    `${escalation ? '⏰ ESCALATED: still pending' : '🔔 Approval needed'} [${a.priority.toUpperCase()}] ${a.kind}`,
    // An outside system's title, then its Markdown summary as written (plain text: no parse mode to break).
    ...(a.title ? [a.title] : []),
    a.summary,
    '',
    a.payloadText,
    '',
    `Requested by: ${a.requester}`,
    `Needs: ${needsText(a)}`,
    `Expires: ${a.expiresAt}`,
    `Trace: ${a.traceId}`,
    `ID: ${a.id}`,
  ].join('\n').slice(0, 4000);
}

/**
 * Which channels must decide, as the decision rule really is: below the
 * dual-channel priority any one of them settles it; at or above it each must approve.
 */
export function needsText(a: Pick<ApprovalDetail, 'requiredChannels' | 'dualChannel'>): string {
  const channels = a.requiredChannels;
  if (channels.length <= 1) return `one approval on ${channels[0] ?? 'the console'}`;
  if (a.dualChannel) return `approval on each of ${channels.join(' and ')} (two people)`;
  return `one approval on ${channels.join(' or ')}`;
}

/** Sent to the approver chats when an approved request was not applied at use. */
export function voidedText(a: ApprovalDetail): string {
  return [
    `⚠️ NOT APPLIED: ${a.kind}`,
    a.summary,
    `It was approved, but ${a.useRefused === 'payload_changed' ? 'its parameters changed before it was applied' : `it was refused at use (${a.useRefused ?? 'unknown'})`}; nothing was done. It must be proposed again.`,
    `Requested by: ${a.requester}`,
    `Trace: ${a.traceId}`,
    `ID: ${a.id}`,
  ].join('\n');
}

/** The text a request message is edited to once it is decided or expires. */
export function closedText(a: ApprovalDetail): string {
  const last = a.decisions.at(-1);
  const by = a.decisions.map((d) => `${d.decision} by ${d.actor} (${d.channel})`).join(', ');
  return [
    `${a.status === 'approved' ? '✅' : a.status === 'expired' ? '⌛' : '❌'} ${a.status.toUpperCase()}: ${a.kind}`,
    a.summary,
    by ? `Decisions: ${by}` : 'No decisions.',
    last?.reason ? `Reason: ${last.reason}` : '',
    `ID: ${a.id}`,
  ].filter(Boolean).join('\n');
}
