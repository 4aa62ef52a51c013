// A list audience as large as the API takes (200,000 ids, each with a 60-byte variable, as Beta
// invitations carry personal links): what its size costs each request and job that touches the
// campaign. Through the API in this process (hono's app.request, no socket): create, launch (the
// policy allows it), a progress read (GET /campaigns/:id); then one batch job's read (batchWork),
// each repeated. Baseline in the same run: the same reads of a segment campaign to the same users.
//   npx tsx bench/list-audience.ts [--users 200000] [--repeat 5]
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { createApp } from '../src/api/app.js';
import { batchWork } from '../src/campaigns/store.js';
import { createTestContext } from '../test/support/deps.js';
import { bearer, TOKENS } from '../test/support/tokens.js';
import { launchAtOncePolicy } from './support/launch-policy.js';

const { values: args } = parseArgs({ options: { users: { type: 'string', default: '200000' }, repeat: { type: 'string', default: '5' } } });
const USERS = Number(args.users);
const REPEAT = Number(args.repeat);
const ctx = await createTestContext({ config: { ops: { enabled: false }, policy: launchAtOncePolicy(USERS), server: { bodyLimitBytes: 64 * 1024 * 1024 } } });
const app = createApp(ctx.deps);
const call = async (method: string, path: string, body?: unknown) => {
  const started = performance.now();
  const res = await app.request(path, {
    method,
    headers: { ...bearer(TOKENS.operator), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json).slice(0, 300)}`);
  return { ms: performance.now() - started, json };
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
try {
  await sql`insert into tenants (id, name, plan, seats) values ('t0', 'T', 'pro', 10)`.execute(ctx.deps.db);
  await sql`insert into users (id, tenant_id, name, email)
            select 'b' || lpad(i::text, 7, '0'), 't0', 'User ' || i, 'b' || i || '@example.com' from generate_series(0, ${USERS - 1}::int) i`.execute(
    ctx.deps.db,
  );
  const userIds = Array.from({ length: USERS }, (_, i) => `b${String(i).padStart(7, '0')}`);
  const variables = Object.fromEntries(userIds.map((u) => [u, { link: `https://example.com/invite/${u}/0123456789abcdef` }]));
  const audiences = { list: { type: 'list', userIds, variables }, segment: { type: 'segment', filters: {} } };
  console.log(`command: npx tsx bench/list-audience.ts ${process.argv.slice(2).join(' ')}`.trim());
  console.log(`${USERS.toLocaleString('en-US')} users; medians of ${REPEAT}`);
  console.log('| audience | create | launch request | progress read | batch job read |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const [kind, audience] of Object.entries(audiences)) {
    const times = { create: [] as number[], launch: [] as number[], read: [] as number[], batch: [] as number[] };
    for (let i = 0; i < REPEAT; i++) {
      const created = await call('POST', '/api/v1/campaigns', {
        name: `${kind} ${i}`,
        audience,
        template: 'Hi',
        channel: { url: 'http://127.0.0.1:9/x', secret: 'downstream-secret-0123456789' },
      });
      const id = String(created.json.id);
      times.create.push(created.ms);
      times.launch.push((await call('POST', `/api/v1/campaigns/${id}/launch`)).ms);
      times.read.push((await call('GET', `/api/v1/campaigns/${id}`)).ms);
      const started = performance.now();
      await batchWork(ctx.deps.db, id, 0);
      times.batch.push(performance.now() - started);
    }
    const f = (xs: number[]) => `${median(xs).toFixed(1)} ms`;
    console.log(`| ${kind} | ${f(times.create)} | ${f(times.launch)} | ${f(times.read)} | ${f(times.batch)} |`);
  }
} finally {
  await ctx.cleanup();
}
