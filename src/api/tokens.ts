import { createHash, timingSafeEqual } from 'node:crypto';
import type { Config } from '../config/schema.js';
import { PERSON_ROLES, type Role } from '../vocabulary/roles.js';

export interface TokenEntry {
  name: string;
  /** Stable id of the token (config `id`, default its name): owns external requests. */
  id: string;
  /** Who holds it (config `person`, default its name): four eyes compares people. */
  person: string;
  roles: readonly Role[];
  digest: Buffer;
}

const digest = (token: string) => createHash('sha256').update(token).digest();

/** Tokens from config plus FLYWHEEL_ADMIN_TOKEN (named "admin", every role). Only digests are kept. */
export function tokenTable(auth: Config['auth']): TokenEntry[] {
  const entries: TokenEntry[] = auth.tokens.map((t) => ({ name: t.name, id: t.id ?? t.name, person: t.person ?? t.name, roles: t.roles, digest: digest(t.token) }));
  if (auth.adminToken) entries.push({ name: 'admin', id: 'admin', person: 'admin', roles: [...PERSON_ROLES], digest: digest(auth.adminToken) });
  return entries;
}

/**
 * Finds the token's entry in constant time: every entry is compared (no early
 * exit) on fixed-length digests, so timing reveals neither which nor how much matched.
 */
export function findToken(table: readonly TokenEntry[], presented: string): TokenEntry | undefined {
  const candidate = digest(presented);
  let found: TokenEntry | undefined;
  for (const entry of table) {
    if (timingSafeEqual(entry.digest, candidate) && !found) found = entry;
  }
  return found;
}

/** admin holds every permission; any valid token but an agent-only one may read (viewer). */
export function hasRole(roles: readonly Role[], wanted: readonly Role[]): boolean {
  if (roles.includes('admin')) return true;
  const reads = roles.some((role) => role !== 'agent');
  return wanted.some((role) => (role === 'viewer' && reads) || roles.includes(role));
}
