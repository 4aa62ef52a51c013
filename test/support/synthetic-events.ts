import type { Kysely } from 'kysely';
import { writeResults } from '../../src/campaigns/store.js';
import type { Database } from '../../src/db/schema.js';
import type { Rng } from '../../src/growth/mulberry32.js';

export interface SyntheticEvent {
  id: string;
  tenantId: string;
  userId: string;
  type: string;
  occurredAt: Date;
  properties?: Record<string, unknown>;
}

/** Inserts events as the ingestion API would store them (idempotent by id). */
export async function insertEvents(db: Kysely<Database>, events: readonly SyntheticEvent[]): Promise<void> {
  for (let i = 0; i < events.length; i += 2000) {
    await db
      .insertInto('events')
      .values(events.slice(i, i + 2000).map((e) => ({ id: e.id, tenant_id: e.tenantId, user_id: e.userId, type: e.type, occurred_at: e.occurredAt, properties: JSON.stringify(e.properties ?? {}) })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

/** Marks deliveries delivered at `at` through the delivery worker's own write (for tests that drive time themselves). */
export async function markDeliveredAt(db: Kysely<Database>, campaignId: string, batchNos: readonly number[], at: Date): Promise<void> {
  const rows = await db
    .selectFrom('deliveries')
    .select('id')
    .where('campaign_id', '=', campaignId)
    .where('batch_no', 'in', [...batchNos])
    .where('status', 'in', ['pending', 'retry'])
    .execute();
  await writeResults(
    db,
    rows.map((r) => ({ id: r.id, ok: true, httpStatus: 200, latencyMs: 0, error: null, at })),
    1_000_000,
  );
}

/**
 * Goal events (with a revenue property) for delivered users of a campaign: each
 * exposed user converts with its arm's rate, at a random time in
 * [delivered_at, delivered_at + spreadMs). Only deliveries delivered in
 * [from, to) are considered, so hourly calls add each cohort once.
 */
export async function simulateConversions(
  db: Kysely<Database>,
  options: { campaignId: string; rates: Record<string, number>; rng: Rng; goal: string; revenue: number; spreadMs: number; from?: Date; to?: Date; idPrefix: string },
): Promise<{ byArm: Record<string, number> }> {
  const rows = await db
    .selectFrom('deliveries')
    .innerJoin('users', 'users.id', 'deliveries.user_id')
    .select(['deliveries.user_id', 'deliveries.arm', 'deliveries.delivered_at', 'users.tenant_id'])
    .where('deliveries.campaign_id', '=', options.campaignId)
    .where('deliveries.status', '=', 'delivered')
    .$if(options.from !== undefined, (q) => q.where('deliveries.delivered_at', '>=', options.from!))
    .$if(options.to !== undefined, (q) => q.where('deliveries.delivered_at', '<', options.to!))
    .orderBy('deliveries.user_id')
    .execute();
  const events: SyntheticEvent[] = [];
  const byArm: Record<string, number> = {};
  for (const r of rows) {
    if (options.rng() >= (options.rates[r.arm ?? ''] ?? 0)) continue;
    byArm[r.arm ?? ''] = (byArm[r.arm ?? ''] ?? 0) + 1;
    const at = new Date(new Date(r.delivered_at!).getTime() + Math.floor(options.rng() * options.spreadMs));
    events.push({ id: `${options.idPrefix}:${r.user_id}`, tenantId: r.tenant_id, userId: r.user_id, type: options.goal, occurredAt: at, properties: { revenue: options.revenue } });
  }
  await insertEvents(db, events);
  return { byArm };
}
