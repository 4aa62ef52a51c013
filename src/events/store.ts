import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.js';
import { type EventInput, IngestInputError, type TenantInput, type UserInput } from './input.js';

const json = (value: Record<string, unknown> | undefined) => (value === undefined ? null : JSON.stringify(value));

/**
 * Stores a batch of events in one statement (so in one transaction: all or
 * nothing), resent ids skipped by `on conflict do nothing`. The columns go as
 * six arrays through `unnest`: one short statement whatever the batch size,
 * instead of thousands of bind parameters to parse. Returns how many were new.
 */
export async function insertEvents(db: Kysely<Database>, events: readonly EventInput[]): Promise<number> {
  const result = await sql`
    insert into events (id, tenant_id, user_id, type, occurred_at, properties)
    select * from unnest(
      ${events.map((e) => e.id)}::text[], ${events.map((e) => e.tenantId)}::text[], ${events.map((e) => e.userId ?? null)}::text[],
      ${events.map((e) => e.type)}::text[], ${events.map((e) => e.time)}::timestamptz[], ${events.map((e) => JSON.stringify(e.properties))}::jsonb[])
    on conflict (id) do nothing`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/**
 * Inserts or updates tenants. A field left out keeps its stored value (or takes
 * the column default for a new tenant), so a partial sync never blanks a plan.
 * Returns how many were new.
 */
export async function upsertTenants(db: Kysely<Database>, tenants: readonly TenantInput[]): Promise<{ inserted: number; updated: number }> {
  const { rows } = await sql<{ inserted: boolean }>`
    with v as (
      select * from unnest(
        ${tenants.map((t) => t.id)}::text[], ${tenants.map((t) => t.name)}::text[], ${tenants.map((t) => t.plan ?? null)}::text[],
        ${tenants.map((t) => t.seats ?? null)}::int[], ${tenants.map((t) => json(t.attributes))}::jsonb[]
      ) as v(id, name, plan, seats, attributes)
    )
    insert into tenants as t (id, name, plan, seats, attributes)
    select id, name, coalesce(plan, 'free'), coalesce(seats, 1), coalesce(attributes, '{}'::jsonb) from v
    on conflict (id) do update set
      name = excluded.name,
      plan = coalesce((select v.plan from v where v.id = excluded.id), t.plan),
      seats = coalesce((select v.seats from v where v.id = excluded.id), t.seats),
      attributes = coalesce((select v.attributes from v where v.id = excluded.id), t.attributes)
    returning (xmax = 0) as inserted`.execute(db);
  const inserted = rows.filter((r) => r.inserted).length;
  return { inserted, updated: rows.length - inserted };
}

/**
 * Inserts or updates users, in one transaction. Every user's tenant must
 * exist: the first that does not is reported by index and nothing is written.
 */
export async function upsertUsers(db: Kysely<Database>, users: readonly UserInput[]): Promise<{ inserted: number; updated: number }> {
  return db.transaction().execute(async (trx) => {
    const tenantIds = [...new Set(users.map((u) => u.tenantId))];
    // Locks the tenants against deletion until the users are in (the foreign key would fail otherwise).
    const known = await trx.selectFrom('tenants').select('id').where('id', 'in', tenantIds).forShare().execute();
    const found = new Set(known.map((row) => row.id));
    const missing = users.findIndex((u) => !found.has(u.tenantId));
    if (missing >= 0) throw new IngestInputError(`users[${missing}].tenantId: no tenant ${users[missing]!.tenantId}`, `users[${missing}].tenantId`);
    const { rows } = await sql<{ inserted: boolean }>`
      with v as (
        select * from unnest(
          ${users.map((u) => u.id)}::text[], ${users.map((u) => u.tenantId)}::text[], ${users.map((u) => u.email ?? null)}::text[],
          ${users.map((u) => u.name ?? null)}::text[], ${users.map((u) => json(u.attributes))}::jsonb[]
        ) as v(id, tenant_id, email, name, attributes)
      )
      insert into users as u (id, tenant_id, email, name, attributes)
      select id, tenant_id, email, name, coalesce(attributes, '{}'::jsonb) from v
      on conflict (id) do update set
        tenant_id = excluded.tenant_id,
        email = coalesce(excluded.email, u.email),
        name = coalesce(excluded.name, u.name),
        attributes = coalesce((select v.attributes from v where v.id = excluded.id), u.attributes)
      returning (xmax = 0) as inserted`.execute(trx);
    const inserted = rows.filter((r) => r.inserted).length;
    return { inserted, updated: rows.length - inserted };
  });
}
