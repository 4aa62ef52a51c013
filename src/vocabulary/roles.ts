/** What a token or Telegram approver may do: admin (everything), operator, approver, viewer (read only). */
export const ROLES = ['admin', 'operator', 'approver', 'viewer'] as const;
export type Role = (typeof ROLES)[number];
