/** Tokens every test config carries, one per role. */
export const TOKENS = {
  admin: 'admin-token-0123456789abcdef',
  operator: 'operator-token-0123456789abcdef',
  approver: 'approver-token-0123456789abcdef',
  approver2: 'approver2-token-0123456789abcdef',
  viewer: 'viewer-token-0123456789abcdef',
} as const;

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
