import type { ActionContext } from '../actions/registry.js';
import { type ProposalOutcome, propose } from '../approvals/propose.js';
import { appendAudit } from '../audit/store.js';
import { createCampaign } from '../campaigns/create.js';
import { campaignInputSchema } from '../campaigns/input.js';
import { grantOf, startCampaign } from '../campaigns/launch.js';
import type { Config } from '../config/schema.js';
import type { Deps } from '../deps.js';
import { invitationLinks, inviteSecret, signInviteToken } from './invite-token.js';
import { invitationTargets, markInvited } from './program-store.js';

export class InvitationsOffError extends Error {
  override name = 'InvitationsOffError';
  constructor() {
    super('Beta invitations are off: set beta.invitation.url and beta.invitation.secret');
  }
}

export class UnknownTenantError extends Error {
  constructor(
    readonly index: number,
    readonly tenantId: string,
  ) {
    super(`no tenant ${tenantId}`);
  }
}

export const invitationsConfigured = (config: Readonly<Config>) => config.beta.invitation.url !== '' && config.beta.invitation.secret !== '';

/**
 * Asks the policy to invite a batch of tenants (`beta.invite`): a batch within
 * the guardrail is sent now, a bigger one waits for approval. Unknown tenants
 * are refused before anything is proposed.
 */
export async function proposeInvitations(
  deps: Deps,
  tenantIds: readonly string[],
  by: { proposer: string; requester: string },
  traceId: string,
): Promise<ProposalOutcome> {
  if (!invitationsConfigured(deps.config)) throw new InvitationsOffError();
  const known = new Set((await invitationTargets(deps.db, tenantIds)).map((t) => t.tenant_id));
  const unknown = tenantIds.findIndex((id) => !known.has(id));
  if (unknown >= 0) throw new UnknownTenantError(unknown, tenantIds[unknown]!);
  const shown = tenantIds.slice(0, 5).join(', ') + (tenantIds.length > 5 ? ` and ${tenantIds.length - 5} more` : '');
  return propose(deps, {
    kind: 'beta.invite',
    proposer: by.proposer,
    requester: by.requester,
    params: { tenantIds: [...tenantIds] },
    traceId,
    summary: `Invite ${tenantIds.length} tenant${tenantIds.length === 1 ? '' : 's'} to the Beta: ${shown}`,
    // A retried request (same trace id) gets the first proposal back.
    idempotencyKey: `beta.invite:${traceId}`,
  });
}

/**
 * Sends the invitations of an applied `beta.invite`: one signed, expiring link
 * per tenant, to its contact user, as one campaign through the delivery
 * pipeline (signed HTTP to `beta.invitation.url`). Tenants that already
 * answered, opted out or have no users are skipped with the reason; a tenant
 * still invited gets a fresh link.
 */
export async function sendInvitations(deps: Deps, requested: readonly string[], context: ActionContext): Promise<Record<string, unknown>> {
  const { config } = deps;
  if (!invitationsConfigured(config)) throw new InvitationsOffError();
  const tenantIds = [...new Set(requested)];
  const targets = new Map((await invitationTargets(deps.db, tenantIds)).map((t) => [t.tenant_id, t]));
  const skipped: { tenantId: string; reason: string }[] = [];
  const eligible: { tenantId: string; contactUserId: string }[] = [];
  for (const tenantId of tenantIds) {
    const target = targets.get(tenantId);
    if (!target) skipped.push({ tenantId, reason: 'unknown tenant' });
    else if (target.status && target.status !== 'invited') skipped.push({ tenantId, reason: `already ${target.status}` });
    else if (!target.contact_user_id) skipped.push({ tenantId, reason: 'no users to invite' });
    else eligible.push({ tenantId, contactUserId: target.contact_user_id });
  }
  if (eligible.length === 0) return { invited: [], campaignId: null, skipped };

  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + config.beta.invitation.ttlDays * 86_400_000);
  const secret = inviteSecret(config);
  const variables: Record<string, Record<string, string>> = {};
  for (const { tenantId, contactUserId } of eligible) {
    const links = invitationLinks(config, signInviteToken(secret, { tenantId, expiresAt }));
    variables[contactUserId] = { 'invite.link': links.accept, 'invite.declineLink': links.decline };
  }
  const input = campaignInputSchema.parse({
    name: `Beta invitations ${now.toISOString().slice(0, 10)} (${eligible.length} tenant${eligible.length === 1 ? '' : 's'})`,
    audience: { type: 'list', userIds: eligible.map((e) => e.contactUserId), variables },
    template: config.beta.invitation.template,
    channel: { url: config.beta.invitation.url, secret: config.beta.invitation.secret, mode: 'single' },
  });
  const campaign = await createCampaign(deps, input, context.actor, context.traceId);
  // Marked before the campaign starts, so a link works the moment it arrives.
  const invited = await markInvited(
    deps.db,
    eligible.map((e) => ({ ...e, campaignId: campaign.id, approvalId: context.approvalId, traceId: context.traceId, expiresAt })),
    now,
  );
  const started = await startCampaign(deps, campaign.id, context.traceId, context.actor, grantOf(context));
  await appendAudit(deps.db, {
    traceId: context.traceId,
    actor: context.actor,
    channel: 'system',
    action: 'beta.invited',
    subjectType: 'campaign',
    subjectId: campaign.id,
    data: { tenantIds: invited, approval: context.approvalId, expiresAt: expiresAt.toISOString(), skipped },
    at: now,
  });
  return { invited, campaignId: campaign.id, campaignStatus: started.status, expiresAt: expiresAt.toISOString(), skipped };
}
