/** Tokens every test config carries, one per role. */
export const TOKENS = {
  admin: 'admin-token-0123456789abcdef',
  operator: 'operator-token-0123456789abcdef',
  approver: 'approver-token-0123456789abcdef',
  approver2: 'approver2-token-0123456789abcdef',
  viewer: 'viewer-token-0123456789abcdef',
} as const;

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Two outside systems' agent tokens (the Meta-Agent and another client), for the external approvals tests. */
export const AGENT_TOKENS = {
  meta: 'meta-agent-token-0123456789abcdef',
  other: 'other-agent-token-0123456789abcdef',
} as const;

/**
 * The tokens of a test of outside systems: alice decides, victor reads, and two
 * agent clients (`meta`, `other`) file requests; `metaWebhookSecret` lets the
 * Meta-Agent's requests carry a callbackUrl.
 */
export function externalClientTokens(options: { metaWebhookSecret?: string } = {}) {
  return [
    { name: 'alice', token: TOKENS.approver, roles: ['approver'] },
    { name: 'victor', token: TOKENS.viewer, roles: ['viewer'] },
    {
      name: 'meta-agent',
      id: 'meta',
      token: AGENT_TOKENS.meta,
      roles: ['agent'],
      ...(options.metaWebhookSecret ? { webhookSecret: options.metaWebhookSecret } : {}),
    },
    { name: 'other-agent', id: 'other', token: AGENT_TOKENS.other, roles: ['agent'] },
  ];
}
