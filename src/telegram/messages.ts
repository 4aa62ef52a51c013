import type { ApprovalDetail } from '../approvals/view.js';

/** The text of an approval request message (plain text: no parse mode, nothing to escape). */
export function requestText(a: ApprovalDetail, escalation = false): string {
  return [
    `${escalation ? '⏰ ESCALATED: still pending' : '🔔 Approval needed'} [${a.priority.toUpperCase()}] ${a.kind}`,
    a.summary,
    '',
    a.payloadText,
    '',
    `Requested by: ${a.requester}`,
    `Needs: ${a.requiredChannels.join(' + ')}${a.requiredChannels.length > 1 ? ' (both)' : ''}`,
    `Expires: ${a.expiresAt}`,
    `Trace: ${a.traceId}`,
    `ID: ${a.id}`,
  ].join('\n').slice(0, 4000);
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
