// What a delivery result costs Postgres: writeResults (src/campaigns/store.ts), the statement every
// batch job's results go through, against a baseline measured in the same run: a plain UPDATE of the
// same columns of other rows of the same table, at the same group size and concurrency, without the
// counts and per-second upserts. CPU is the whole Postgres server's (every postgres process, with
// what the postmaster's exited children used), so run it on an otherwise idle server.
//
// Usage: npx tsx bench/result-writes.ts [--rows 50000] [--per 100] [--in-flight 4] [--rounds 2]
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { writeResults } from '../src/campaigns/store.js';
import { createTestContext } from '../test/support/deps.js';
import { materialisedCampaign } from '../test/support/materialised.js';
import { seedUsers } from '../test/support/seed-users.js';
import { postgresCpuSec } from './support/processes.js';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '50000' },
    per: { type: 'string', default: '100' },
    'in-flight': { type: 'string', default: '4' },
    rounds: { type: 'string', default: '2' },
  },
});
const ROWS = Number(args.rows);
const PER = Number(args.per);
const IN_FLIGHT = Number(args['in-flight']);
const ROUNDS = Number(args.rounds);

const ctx = await createTestContext({ config: { ops: { enabled: false } } });
const db = ctx.deps.db;
try {
  await seedUsers(db, ROWS);
  /** The delivery ids of a materialised campaign to every user. */
  const campaignRows = async (name: string) => {
    const c = await materialisedCampaign(ctx.deps, name);
    return (await db.selectFrom('deliveries').select('id').where('campaign_id', '=', c.id).orderBy('id').execute()).map((r) => Number(r.id));
  };
  const measure = async (ids: number[], write: (slice: number[]) => Promise<unknown>) => {
    let next = 0;
    const cpu0 = postgresCpuSec();
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < ids.length) {
          const slice = ids.slice(next, next + PER);
          next += PER;
          await write(slice);
        }
      }),
    );
    const sec = (performance.now() - t0) / 1000;
    return { usPerRow: ((postgresCpuSec() - cpu0) * 1e6) / ids.length, rowsPerSec: ids.length / sec };
  };
  const at = new Date();
  console.log(`command: npx tsx bench/result-writes.ts ${process.argv.slice(2).join(' ')}`.trim());
  console.log(`${ROWS.toLocaleString('en-US')} rows per measure, ${PER} per statement, ${IN_FLIGHT} statements in flight`);
  console.log('| round | writeResults: Postgres CPU per row | rows/s | baseline plain UPDATE: CPU per row | rows/s | ratio (CPU) |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (let round = 1; round <= ROUNDS; round++) {
    const [a, b] = [await campaignRows(`results-${round}`), await campaignRows(`plain-${round}`)];
    await sql`vacuum analyze deliveries`.execute(db);
    await sql`alter table deliveries set (autovacuum_enabled = false)`.execute(db);
    const real = await measure(a, (slice) =>
      writeResults(
        db,
        slice.map((id) => ({ id, ok: true, httpStatus: 200, latencyMs: 2, error: null, at })),
        3,
      ),
    );
    const plain = await measure(b, (slice) =>
      sql`update deliveries d set status = 'delivered', attempts = d.attempts + 1, http_status = 200, latency_ms = 2, last_error = null, delivered_at = ${at}, updated_at = ${at}
          from (select unnest(${slice.map(String)}::bigint[]) as id) v where d.id = v.id and d.status in ('pending', 'retry')`.execute(db),
    );
    await sql`alter table deliveries reset (autovacuum_enabled)`.execute(db);
    const f = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 1 });
    console.log(
      `| ${round} | ${f(real.usPerRow)} µs | ${f(real.rowsPerSec)} | ${f(plain.usPerRow)} µs | ${f(plain.rowsPerSec)} | ${(real.usPerRow / plain.usPerRow).toFixed(2)} |`,
    );
  }
} finally {
  await ctx.cleanup();
}
