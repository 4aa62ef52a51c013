import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

const digest = (id: string) => createHash('sha256').update(id).digest('hex');

export interface SessionRecord {
  tokenName: string;
  tokenFingerprint: string;
  expiresAt: Date;
}

/** A new session: returns the cookie's value (256 random bits); only its digest is stored. Expired rows are swept meanwhile. */
export async function createSession(db: Kysely<Database>, session: SessionRecord, now: Date): Promise<string> {
  const id = randomBytes(32).toString('base64url');
  await db
    .insertInto('sessions')
    .values({ id_digest: digest(id), token_name: session.tokenName, token_fingerprint: session.tokenFingerprint, created_at: now, expires_at: session.expiresAt })
    .execute();
  await db.deleteFrom('sessions').where('expires_at', '<', new Date(now.getTime() - 86_400_000)).execute();
  return id;
}

/** The live session a cookie names: not expired, not revoked. */
export async function findSession(db: Kysely<Database>, id: string, now: Date): Promise<SessionRecord | undefined> {
  if (id.length === 0 || id.length > 200) return undefined;
  const row = await db
    .selectFrom('sessions')
    .select(['token_name', 'token_fingerprint', 'expires_at'])
    .where('id_digest', '=', digest(id))
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return row && { tokenName: row.token_name, tokenFingerprint: row.token_fingerprint, expiresAt: new Date(row.expires_at) };
}

export async function revokeSession(db: Kysely<Database>, id: string, now: Date): Promise<boolean> {
  const result = await db.updateTable('sessions').set({ revoked_at: now }).where('id_digest', '=', digest(id)).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Logs out everywhere: every live session, or those of one token name. Returns how many ended. */
export async function revokeSessions(db: Kysely<Database>, filter: { tokenName?: string }, now: Date): Promise<number> {
  let query = db.updateTable('sessions').set({ revoked_at: now }).where('revoked_at', 'is', null).where('expires_at', '>', now);
  if (filter.tokenName !== undefined) query = query.where('token_name', '=', filter.tokenName);
  return Number((await query.executeTakeFirst()).numUpdatedRows);
}

/** Live sessions per token name, for the admin's overview (no ids: they are credentials). */
export async function liveSessions(db: Kysely<Database>, now: Date) {
  const rows = await db
    .selectFrom('sessions')
    .select(['token_name', 'created_at', 'expires_at'])
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('created_at', 'desc')
    .limit(1000)
    .execute();
  return rows.map((r) => ({ tokenName: r.token_name, createdAt: new Date(r.created_at).toISOString(), expiresAt: new Date(r.expires_at).toISOString() }));
}
