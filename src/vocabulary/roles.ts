/**
 * What a token or Telegram approver may do: admin (everything), operator, approver,
 * viewer (read only), agent (an outside system: files approval requests, reads only its own).
 */
export const ROLES = ['admin', 'operator', 'approver', 'viewer', 'agent'] as const;
export type Role = (typeof ROLES)[number];

/** The roles of people; `agent` is never among the roles that may decide. */
export const PERSON_ROLES = ['admin', 'operator', 'approver', 'viewer'] as const satisfies readonly Role[];
export type PersonRole = (typeof PERSON_ROLES)[number];
