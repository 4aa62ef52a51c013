import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.js';

/** Inserts tenants t0..t{tenants-1} and users u00000.. spread over them. */
export async function seedUsers(db: Kysely<Database>, count: number, tenants = 10, prefix = 'u'): Promise<string[]> {
  await db
    .insertInto('tenants')
    .values(Array.from({ length: tenants }, (_, i) => ({ id: `t${i}`, name: `Tenant ${i}`, plan: i % 2 ? 'pro' : 'free', seats: 5 + i })))
    .onConflict((oc) => oc.doNothing())
    .execute();
  const ids = Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(5, '0')}`);
  for (let i = 0; i < ids.length; i += 5000) {
    await db
      .insertInto('users')
      .values(ids.slice(i, i + 5000).map((id, j) => ({ id, tenant_id: `t${(i + j) % tenants}`, name: `User ${id}`, email: `${id}@example.com` })))
      .execute();
  }
  return ids;
}
