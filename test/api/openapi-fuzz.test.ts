import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { sql } from 'kysely';
import { createApp } from '../../src/api/app.js';
import { hasRole } from '../../src/api/tokens.js';
import { createCampaign } from '../../src/campaigns/create.js';
import { campaignInputSchema } from '../../src/campaigns/input.js';
import { ROLES, type Role } from '../../src/vocabulary/roles.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { routeTable, type RouteEntry } from '../support/route-table.js';
import { seedUsers } from '../support/seed-users.js';

// Seeded and bounded: FUZZ_SEED replays a failure, FUZZ_RUNS raises the depth locally.
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_201);
const RUNS_PER_OPERATION = Number(process.env.FUZZ_RUNS ?? 20);
const TIME_LIMIT_MS = 45_000;
const BODY_LIMIT = 64 * 1024;

/** Percent-encodes as a hostile client would: text that is not valid Unicode goes out as its (replaced) UTF-8 bytes. */
const encodeLoose = (value: string) => [...Buffer.from(value, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');

const tokenOf = (role: Role) => `fuzz-${role}-token-0123456789abcdef`;

interface Operation {
  method: string;
  path: string;
  params: { name: string; in: 'path' | 'query' | 'header' | 'cookie' }[];
  bodyKeys: string[] | null;
}

const hostileString = fc.oneof(
  { arbitrary: fc.constantFrom('\u0000', 'a\u0000b', '\ud800', 'x\udfffy'), weight: 4 },
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '\ud800',
    'x\udfffy',
    '',
    ' ',
    '%00',
    '../../etc/passwd',
    "'; drop table campaigns; --",
    '<script>alert(1)</script>',
    '{{user.name}}',
    'x'.repeat(5000),
    '-1',
    '1e400',
    'NaN',
    'null',
    'true',
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ maxLength: 40 }),
);
const hostileNumber = fc.oneof(
  fc.constantFrom(-1, 0, 1e308, -1e308, 2 ** 53 + 1, -(2 ** 63), 0.5, 1e-300),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    hostileNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileString, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** A raw body: JSON shaped like the operation's (its keys plus strangers), or something hostile in shape or size. */
const bodyOf = (op: Operation) =>
  fc.oneof(
    fc
      .record({ known: fc.subarray(op.bodyKeys ?? []), extra: fc.dictionary(hostileString, hostileValue, { maxKeys: 2 }) })
      .chain(({ known, extra }) =>
        fc.tuple(...known.map(() => hostileValue)).map((values) => JSON.stringify({ ...extra, ...Object.fromEntries(known.map((k, i) => [k, values[i]])) })),
      ),
    hostileValue.map((v) => JSON.stringify(v) ?? 'null'),
    fc.integer({ min: 33, max: 6000 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
    fc.integer({ min: 33, max: 3000 }).map((n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n)),
    fc.constant(JSON.stringify(Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`k${i}`, i])))),
    fc.constant('x'.repeat(BODY_LIMIT + 10)),
    fc.constantFrom('', '{', 'not json', '{"a":1}{"b":2}', '\u0000', '[1,2,'),
  );

type Request = { role: Role | 'anonymous'; params: unknown[]; omit: boolean[]; body: string | undefined; type: string | undefined };

/** Runs every operation gets before the random ones: NUL in each parameter and each body field in turn, and a deep body, as admin. */
function examplesOf(op: Operation, id: string): [Request][] {
  const plain = op.params.map((p) => (/id$/i.test(p.name) ? id : 'x'));
  const none = op.params.map(() => false);
  const examples: [Request][] = op.params.map((_, i) => [
    { role: 'admin', params: plain.map((v, j) => (i === j ? 'a\u0000b' : v)), omit: none, body: undefined, type: undefined },
  ]);
  if (op.method !== 'GET') {
    const json = (body: string): [Request] => [{ role: 'admin', params: plain, omit: none, body, type: 'application/json' }];
    examples.push(json(JSON.stringify(Object.fromEntries((op.bodyKeys ?? []).map((k) => [k, 'a\u0000b'])))));
    examples.push(json('['.repeat(5000) + ']'.repeat(5000)));
  }
  return examples;
}

const contentType = fc.constantFrom(
  'application/json',
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  undefined,
);

describe('fuzzing every operation of the served OpenAPI document', () => {
  let ctx: TestContext;
  let app: ReturnType<typeof createApp>;
  let operations: Operation[];
  let routes: RouteEntry[];
  let ids: string[];
  let countRows: () => Promise<number>;

  before(async () => {
    ctx = await createTestContext({
      config: { server: { bodyLimitBytes: BODY_LIMIT }, auth: { tokens: ROLES.map((role) => ({ name: `f-${role}`, token: tokenOf(role), roles: [role] })) } },
    });
    app = createApp(ctx.deps);
    await seedUsers(ctx.deps.db, 20);
    const input = campaignInputSchema.parse({
      name: 'fuzzed',
      audience: { type: 'segment', filters: {} },
      template: 'Hi',
      channel: { url: 'http://127.0.0.1:9/x', secret: 'downstream-secret-0123456789' },
    });
    ids = [(await createCampaign(ctx.deps, input, 'fuzz', 'trace-fuzz')).id, randomUUID()];
    routes = routeTable(app);

    const doc = (await (await app.request('/api/openapi.json')).json()) as {
      paths: Record<string, Record<string, any>>;
      components?: { schemas?: Record<string, any> };
    };
    const resolve = (schema: any): any => (schema?.$ref ? doc.components?.schemas?.[String(schema.$ref).split('/').pop()!] : schema);
    operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
        .map(([method, op]) => {
          const schema = resolve(op.requestBody?.content?.['application/json']?.schema);
          return { method: method.toUpperCase(), path, params: op.parameters ?? [], bodyKeys: schema ? Object.keys(schema.properties ?? {}) : null };
        }),
    );
    // Every table of the test's schema in one round trip: what a refused request must not change.
    const tables = (
      await sql<{
        t: string;
      }>`select table_name as t from information_schema.tables where table_schema = current_schema() and table_name not like 'kysely_%'`.execute(ctx.deps.db)
    ).rows.map((r) => r.t);
    const counting = sql.raw(`select ${tables.map((t) => `(select count(*) from "${t}")`).join(' + ')} as n`);
    countRows = async () => Number(((await counting.execute(ctx.deps.db)).rows[0] as { n: string }).n);
  });
  after(() => ctx.cleanup());

  it('finds the operations in the served document', () => {
    assert.ok(operations.length >= 30, `${operations.length} operations`);
    assert.ok(operations.some((o) => o.method === 'POST' && o.path === '/api/v1/campaigns/{id}/pause'));
  });

  it('answers no request with a 5xx, writes nothing for a refused one, and lets no role do what it may not', async () => {
    const started = Date.now();
    let requests = 0;
    for (const op of operations) {
      const route = routes.find((r) => r.method === op.method && r.path === op.path.replace(/\{(\w+)\}/g, ':$1'));
      const request = fc.record({
        // Mostly admin, so most requests get past authorisation to the code behind it.
        role: fc.oneof({ arbitrary: fc.constant<Role | 'anonymous'>('admin'), weight: 3 }, fc.constantFrom<Role | 'anonymous'>(...ROLES, 'anonymous')),
        params: fc.tuple(
          ...op.params.map((p) =>
            p.in === 'path' && /id$/i.test(p.name) ? fc.oneof(fc.constantFrom(...ids), hostileString) : fc.oneof(hostileString, hostileNumber.map(String)),
          ),
        ),
        omit: fc.array(
          fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
          { minLength: op.params.length, maxLength: op.params.length },
        ),
        body: op.method === 'GET' ? fc.constant(undefined) : fc.option(bodyOf(op), { nil: undefined }),
        type: contentType,
      });
      await fc.assert(
        fc.asyncProperty(request, async ({ role, params, omit, body, type }) => {
          requests++;
          let path = op.path;
          const query = new URLSearchParams();
          op.params.forEach((p, i) => {
            const value = String(params[i]);
            if (p.in === 'path') path = path.replace(`{${p.name}}`, encodeLoose(value));
            else if (p.in === 'query' && !omit[i]) query.set(p.name, value);
          });
          const url = `http://localhost${path}${query.size ? `?${query}` : ''}`;
          const headers: Record<string, string> = {};
          if (role !== 'anonymous') headers.authorization = `Bearer ${tokenOf(role)}`;
          if (type && body !== undefined) headers['content-type'] = type;
          const rowsBefore = await countRows();
          const res = await app.request(url, { method: op.method, headers, body });
          const text = await res.text();
          const shown = `${op.method} ${url} as ${role}, content-type ${type}, body ${JSON.stringify(body?.slice(0, 300))} -> ${res.status} ${text.slice(0, 300)}`;
          assert.ok(res.status < 500, `5xx: ${shown}`);
          if (res.status >= 400) assert.equal(await countRows(), rowsBefore, `a refused request wrote rows: ${shown}`);
          if (route?.authenticated && res.status < 400) {
            assert.notEqual(role, 'anonymous', `succeeded without credentials: ${shown}`);
            if (route.roles.length) assert.ok(hasRole([role as Role], route.roles), `succeeded for a role lacking ${route.roles.join('|')}: ${shown}`);
          }
        }),
        {
          examples: examplesOf(op, ids[0]!),
          seed: SEED,
          numRuns: RUNS_PER_OPERATION,
          endOnFailure: true,
          interruptAfterTimeLimit: Math.max(1000, TIME_LIMIT_MS - (Date.now() - started)),
          markInterruptAsFailure: false,
        },
      );
    }
    assert.ok(requests >= operations.length, `${requests} requests`);
  });
});
