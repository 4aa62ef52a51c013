import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Audience } from './input.js';

/** The users an audience selects, as a query (ids, names, tenants). */
export function audienceQuery(db: Kysely<Database>, audience: Audience) {
  let query = db
    .selectFrom('users')
    .innerJoin('tenants', 'tenants.id', 'users.tenant_id')
    .select(['users.id as userId', 'users.name as userName', 'users.email as userEmail', 'tenants.id as tenantId', 'tenants.name as tenantName']);
  if (audience.type === 'list') return query.where('users.id', 'in', audience.userIds);
  const { tenantIds, plans, userAttributes } = audience.filters;
  if (tenantIds) query = query.where('tenants.id', 'in', tenantIds);
  if (plans) query = query.where('tenants.plan', 'in', plans);
  if (userAttributes) query = query.where(sql<boolean>`users.attributes @> ${JSON.stringify(userAttributes)}::jsonb`);
  return query;
}

export async function audienceSize(db: Kysely<Database>, audience: Audience): Promise<number> {
  const row = await db
    .selectFrom(audienceQuery(db, audience).as('a'))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Ids in an explicit list that are not known users (a typo should not silently shrink a campaign). */
export async function unknownListedUsers(db: Kysely<Database>, audience: Audience): Promise<string[]> {
  if (audience.type !== 'list') return [];
  const known = new Set<string>();
  for (let i = 0; i < audience.userIds.length; i += 10_000) {
    const rows = await db.selectFrom('users').select('id').where('id', 'in', audience.userIds.slice(i, i + 10_000)).execute();
    for (const row of rows) known.add(row.id);
  }
  return audience.userIds.filter((id) => !known.has(id));
}

/** The first user an audience selects (by id), for previewing a message; undefined when it selects nobody. */
export async function sampleRecipient(db: Kysely<Database>, audience: Audience) {
  return audienceQuery(db, audience).orderBy('users.id').limit(1).executeTakeFirst();
}
