import { appendAudit } from '../audit/store.js';
import type { BetaParticipantStatus } from '../db/schema.js';
import type { Deps } from '../deps.js';
import { inviteSecret, verifyInviteToken } from './invite-token.js';
import { findParticipant, lockParticipant, transitionParticipant } from './program-store.js';

export type Answer = 'accept' | 'decline';

export class InvitationAnswerError extends Error {
  constructor(
    readonly reason: 'malformed' | 'bad_signature' | 'expired' | 'not_invited' | 'opted_out' | 'already_answered',
    message: string,
  ) {
    super(message);
  }
}

/** An answer is final: only an invitation still waiting takes one; repeating the recorded answer changes nothing. */
const FROM: Record<Answer, { to: BetaParticipantStatus; already: BetaParticipantStatus[] }> = {
  accept: { to: 'accepted', already: ['accepted', 'active'] },
  decline: { to: 'declined', already: ['declined'] },
};
const ANSWERED: readonly BetaParticipantStatus[] = ['accepted', 'active', 'declined'];

function verified(deps: Deps, token: string, now: Date) {
  const check = verifyInviteToken(inviteSecret(deps.config), token, now);
  if (!check.ok) {
    const messages = { malformed: 'this invitation link is malformed', bad_signature: 'this invitation link is not valid', expired: 'this invitation link has expired' };
    throw new InvitationAnswerError(check.reason, messages[check.reason]);
  }
  return check;
}

/** The answer recorded for the link's invitation (`accepted`, `declined`, …), or null while it waits for one. */
export async function recordedAnswer(deps: Deps, token: string): Promise<BetaParticipantStatus | null> {
  const check = verified(deps, token, deps.clock.now());
  const participant = await findParticipant(deps.db, check.tenantId);
  if (!participant) throw new InvitationAnswerError('not_invited', `tenant ${check.tenantId} has no Beta invitation`);
  if (participant.status === 'opted_out') throw new InvitationAnswerError('opted_out', `tenant ${check.tenantId} has opted out of the Beta`);
  return ANSWERED.includes(participant.status) ? participant.status : null;
}

/**
 * Answers an invitation through its signed link: checks the token (signature,
 * then expiry), then moves the participant and audits it in one transaction.
 * Answering twice the same way changes nothing and is not an error; the other
 * answer after one was recorded is refused (`already_answered`).
 */
export async function answerInvitation(deps: Deps, token: string, answer: Answer): Promise<{ tenantId: string; status: BetaParticipantStatus; changed: boolean }> {
  const now = deps.clock.now();
  const check = verified(deps, token, now);
  const rule = FROM[answer];
  return deps.db.transaction().execute(async (trx) => {
    const participant = await lockParticipant(trx, check.tenantId);
    if (!participant) throw new InvitationAnswerError('not_invited', `tenant ${check.tenantId} has no Beta invitation`);
    if (rule.already.includes(participant.status)) return { tenantId: check.tenantId, status: participant.status, changed: false };
    if (ANSWERED.includes(participant.status)) {
      throw new InvitationAnswerError('already_answered', `this invitation was already answered: ${participant.status === 'declined' ? 'declined' : 'accepted'}`);
    }
    if (participant.status !== 'invited') throw new InvitationAnswerError('opted_out', `tenant ${check.tenantId} has opted out of the Beta`);
    await transitionParticipant(trx, check.tenantId, [participant.status], rule.to, now);
    await appendAudit(trx, {
      traceId: participant.trace_id,
      actor: participant.contact_user_id ? `user:${participant.contact_user_id}` : `tenant:${check.tenantId}`,
      channel: 'invitation_link',
      action: `beta.${rule.to}`,
      subjectType: 'tenant',
      subjectId: check.tenantId,
      data: { from: participant.status, to: rule.to, campaignId: participant.campaign_id, linkExpiresAt: check.expiresAt.toISOString() },
      at: now,
    });
    return { tenantId: check.tenantId, status: rule.to, changed: true };
  });
}
