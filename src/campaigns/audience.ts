import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Audience } from './input.js';

/**
 * `column = any(values)`, the values in one array parameter: an `in` list takes a bind parameter
 * per value, and a statement takes at most 65,535 (a list audience may hold 200,000 ids).
 */
const anyOf = (column: string, values: readonly string[]) => sql<boolean>`${sql.ref(column)} = any(${values}::text[])`;

/** The users an audience selects, as a query (ids, names, tenants). */
export function audienceQuery(db: Kysely<Database>, audience: Audience) {
  let query = db
    .selectFrom('users')
    .innerJoin('tenants', 'tenants.id', 'users.tenant_id')
    .select(['users.id as userId', 'users.name as userName', 'users.email as userEmail', 'tenants.id as tenantId', 'tenants.name as tenantName']);
  if (audience.type === 'list') return query.where(anyOf('users.id', audience.userIds));
  const { tenantIds, plans, userAttributes } = audience.filters;
  if (tenantIds) query = query.where(anyOf('tenants.id', tenantIds));
  if (plans) query = query.where(anyOf('tenants.plan', plans));
  if (userAttributes) query = query.where(sql<boolean>`users.attributes @> ${JSON.stringify(userAttributes)}::jsonb`);
  return query;
}

/**
 * What the API shows of an audience (kept as campaigns.audience_summary), from a row's `audience`
 * column: a list's ids are counted, not listed (up to 200,000 of them), and its per-recipient
 * variables, which can hold personal links (Beta invitations), only counted. Written at creation,
 * by migration 0016h for older rows, and computed on read for a row a process of the version
 * before wrote without it.
 */
export const audienceSummarySql = sql<Record<string, unknown>>`case
  when audience->>'type' = 'list' then
    jsonb_build_object('type', 'list', 'listed', jsonb_array_length(audience->'userIds'))
    || case when audience ? 'variables'
         then jsonb_build_object('variables', '[' || (select count(*) from jsonb_object_keys(audience->'variables')) || ' recipients]')
         else '{}'::jsonb end
  else audience end`;

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
  const rows = await db.selectFrom('users').select('id').where(anyOf('id', audience.userIds)).execute();
  const known = new Set(rows.map((row) => row.id));
  return audience.userIds.filter((id) => !known.has(id));
}

/** The first user an audience selects (by id), for previewing a message; undefined when it selects nobody. */
export async function sampleRecipient(db: Kysely<Database>, audience: Audience) {
  return audienceQuery(db, audience).orderBy('users.id').limit(1).executeTakeFirst();
}
