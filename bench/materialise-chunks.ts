// Materialisation alone (no workers, no deliveries): a campaign to N users, its chunks timed,
// and one chunk's INSERT … SELECT under EXPLAIN (ANALYZE, BUFFERS), rolled back.
// Baseline in the same run: a plain INSERT … SELECT of the same rows into a table without indexes.
//   npx tsx bench/materialise-chunks.ts [--users 1000000] [--chunk 10000] [--explain]
//     [--list [--variables]]   (a list audience of every user, at most 200,000, each with a 60-byte variable)
import { sql } from 'kysely';
import { createCampaign } from '../src/campaigns/create.js';
import { campaignInputSchema } from '../src/campaigns/input.js';
import { startCampaign } from '../src/campaigns/launch.js';
import { materialise } from '../src/campaigns/materialise.js';
import { createTestContext } from '../test/support/deps.js';
import { launchAtOncePolicy } from './support/launch-policy.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const USERS = arg('users', 1_000_000);
const CHUNK = arg('chunk', 10_000);
const policy = launchAtOncePolicy(USERS);
const ctx = await createTestContext({ config: { ops: { enabled: false }, campaigns: { materialiseChunk: CHUNK }, policy } });
try {
  const db = ctx.deps.db;
  await sql`insert into tenants (id, name, plan, seats) select 't' || i, 'Tenant ' || i, 'pro', 10 from generate_series(0, 9) i`.execute(db);
  await sql`insert into users (id, tenant_id, name, email)
            select 'b' || lpad(i::text, 7, '0'), 't' || (i % 10), 'User ' || i, 'b' || i || '@example.com' from generate_series(0, ${USERS - 1}::int) i`.execute(
    db,
  );
  await sql`analyze users`.execute(db);
  const ids = Array.from({ length: USERS }, (_, i) => `b${String(i).padStart(7, '0')}`);
  const variables = () => Object.fromEntries(ids.map((id) => [id, { link: `https://example.com/invite/${id}/0123456789abcdef` }]));
  const input = campaignInputSchema.parse({
    name: 'big',
    audience: process.argv.includes('--list')
      ? { type: 'list', userIds: ids, ...(process.argv.includes('--variables') ? { variables: variables() } : {}) }
      : { type: 'segment', filters: {} },
    template: 'Hi {{user.name}}',
    channel: { url: 'http://127.0.0.1:9/x', secret: 'downstream-secret-0123456789' },
  });
  const campaign = await createCampaign(ctx.deps, input, 'olivia', 'trace-bench');
  await startCampaign(ctx.deps, campaign.id, 'trace-bench', 'olivia', { by: 'policy' });

  if (process.argv.includes('--explain')) {
    const indexes = await sql<{
      indexname: string;
      indexdef: string;
    }>`select indexname, indexdef from pg_indexes where tablename = 'deliveries' and schemaname = current_schema()`.execute(db);
    for (const i of indexes.rows) console.log(`index: ${i.indexdef}`);
    const triggers = await sql<{ tgname: string }>`select tgname from pg_trigger where tgrelid = 'deliveries'::regclass`.execute(db);
    console.log(`triggers: ${triggers.rows.map((t) => t.tgname).join(', ')}`);
    // One chunk of the materialise statement, after the first 500,000 rows are in (rolled back).
    await db
      .transaction()
      .execute(async (trx) => {
        await sql`insert into deliveries (campaign_id, user_id, batch_no, status, variables, reward, updated_at)
                select ${campaign.id}, id, 0, 'pending', '{}'::jsonb, '{}'::jsonb, now() from users order by id limit ${Math.floor(USERS / 2)}`.execute(trx);
        await sql`analyze deliveries`.execute(trx);
        const plan = await sql<{ 'QUERY PLAN': string }>`explain (analyze, buffers, wal)
        with recipients as (
          select a."userId", (row_number() over (order by a."userId") - 1) / 100 as batch_no
          from (select users.id as "userId", users.name as "userName", users.email as "userEmail", tenants.id as "tenantId", tenants.name as "tenantName"
                from users join tenants on tenants.id = users.tenant_id where users.id > (select max(user_id) from deliveries) order by users.id limit 10000) a
        ), added as (
          insert into deliveries (campaign_id, user_id, batch_no, status, variables, reward, updated_at)
          select ${campaign.id}, r."userId", r.batch_no, 'pending', coalesce('{}'::jsonb -> r."userId", '{}'::jsonb), '{}'::jsonb, now()
          from recipients r returning 1
        ), counted as (
          insert into campaign_delivery_counts as k (campaign_id, pending) select ${campaign.id}, count(*) from added
          on conflict (campaign_id) do update set pending = k.pending + excluded.pending
        ) select (select count(*)::int from recipients) as selected, (select count(*) from added) as added`.execute(trx);
        for (const r of plan.rows) console.log(r['QUERY PLAN']);
        throw new Error('rollback');
      })
      .catch((e) => {
        if ((e as Error).message !== 'rollback') throw e;
      });
  }

  // Baseline: the same rows into an unindexed table, one statement.
  await sql`create unlogged table baseline (like deliveries including defaults)`.execute(db);
  let t = performance.now();
  await sql`insert into baseline (id, campaign_id, user_id, batch_no, status, variables, reward, updated_at)
            select row_number() over (), ${campaign.id}, u.id, 0, 'pending', '{}'::jsonb, '{}'::jsonb, now()
            from users u join tenants t on t.id = u.tenant_id`.execute(db);
  const baseSec = (performance.now() - t) / 1000;
  await sql`drop table baseline`.execute(db);

  const chunks: number[] = [];
  let last = performance.now();
  t = last;
  const result = await materialise(ctx.deps, campaign.id, 'trace-bench', async () => {
    const now = performance.now();
    chunks.push(now - last);
    last = now;
  });
  const sec = (performance.now() - t) / 1000;
  chunks.sort((a, b) => a - b);
  const q = (p: number) => chunks[Math.min(chunks.length - 1, Math.floor(p * chunks.length))]!.toFixed(1);
  console.log(`chunk size ${ctx.deps.config.campaigns.materialiseChunk}, ${result.chunks} chunks, per chunk p50 ${q(0.5)} ms p90 ${q(0.9)} ms max ${q(1)} ms`);
  console.log(`materialise: ${result.recipients} rows in ${sec.toFixed(2)} s = ${Math.round(result.recipients / sec)} rows/s`);
  console.log(`baseline (unindexed insert of the same rows): ${Math.round(USERS / baseSec)} rows/s; ratio ${(USERS / sec / (USERS / baseSec)).toFixed(2)}`);
} finally {
  await ctx.cleanup();
}
