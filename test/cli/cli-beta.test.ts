import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext as NodeTestContext } from 'node:test';
import { createTestContext, type TestContext } from '../support/deps.js';
import { seedUsers } from '../support/seed-users.js';
import { serveApp } from '../support/server.js';
import { bearer, TOKENS } from '../support/tokens.js';
import { startTestWorkers } from '../support/workers.js';
import { cliRunner } from './run-cli.js';

interface Candidates {
  screening: { tenantsScreened: number; threshold: number } | null;
  candidates: { tenantId: string; score: number; breakdown: Record<string, number> }[];
  program: { invited: number; feedback: { total: number } };
}

// The Beta endpoints (issue 6) and these commands were written at the same time:
// while the service's OpenAPI document lacks a route, its tests are skipped rather
// than run against a fake answer.
describe('flywheel beta candidates and report sprint, against a running service', () => {
  let ctx: TestContext;
  let workers: Awaited<ReturnType<typeof startTestWorkers>>;
  let server: Awaited<ReturnType<typeof serveApp>>;
  let paths: string[] = [];
  const { cli, json } = cliRunner(() => server.url, TOKENS.viewer);
  const needs = (t: NodeTestContext, path: string) => {
    if (paths.includes(path)) return false;
    t.skip(`the service has no ${path} yet`);
    return true;
  };
  const api = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${server.url}${path}`, { ...init, headers: { ...bearer(TOKENS.operator), ...(init.body ? { 'content-type': 'application/json' } : {}) } });
    assert.ok(res.ok, `${path}: ${res.status} ${await res.clone().text()}`);
    return res;
  };

  before(async () => {
    ctx = await createTestContext();
    await seedUsers(ctx.deps.db, 50);
    workers = await startTestWorkers(ctx);
    server = await serveApp(ctx.deps);
    paths = Object.keys(((await (await fetch(`${server.url}/api/openapi.json`)).json()) as { paths: Record<string, unknown> }).paths);
  });
  after(async () => {
    await server?.close();
    await workers?.stop();
    await ctx?.cleanup();
  });

  it('beta candidates prints what GET /api/v1/beta/candidates answers, after a screening run through the CLI', async (t) => {
    if (needs(t, '/api/v1/beta/candidates')) return;
    const before = await json<Candidates>(['beta', 'candidates']);
    assert.equal(before.screening, null);
    assert.match((await cli(['beta', 'candidates'])).stdout, /not screened yet \(flywheel jobs run beta-screening\)/);

    const job = await json<{ state: string }>(['jobs', 'run', 'beta-screening'], TOKENS.operator);
    assert.equal(job.state, 'completed');
    const printed = await json<Candidates>(['beta', 'candidates']);
    assert.deepEqual(printed, await (await api('/api/v1/beta/candidates')).json());
    assert.equal(printed.screening?.tenantsScreened, 10);
    const text = await cli(['beta', 'candidates']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^screened \S+: 10 tenants, score above 0\.8/);
    assert.match(text.stdout, /programme: invited 0, accepted 0/);
  });

  it('report sprint says how to get a report when there is none, then prints the Markdown report, and --json the JSON one', async (t) => {
    if (needs(t, '/api/v1/beta/sprint-report')) return;
    const none = await cli(['report', 'sprint']);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /404 not_found: no sprint report yet/);

    const items = ['Export to CSV keeps failing with a timeout', 'The CSV export fails with a timeout error', 'Please add dark mode', 'I love the new dashboard'].map((text, i) => ({
      tenantId: `t${i % 3}`,
      source: 'in_app',
      text,
      time: new Date().toISOString(),
    }));
    await api('/api/v1/feedback/batch', { method: 'POST', body: JSON.stringify({ items }) });
    const job = await json<{ state: string }>(['jobs', 'run', 'beta-analysis'], TOKENS.operator);
    assert.equal(job.state, 'completed');

    const printed = await json<{ feedbackCount?: number }>(['report', 'sprint']);
    assert.deepEqual(printed, await (await api('/api/v1/beta/sprint-report')).json());
    const markdown = await (await api('/api/v1/beta/sprint-report?format=markdown')).text();
    const text = await cli(['report', 'sprint']);
    assert.equal(text.code, 0, text.stderr);
    assert.equal(text.stdout.trimEnd(), markdown.trimEnd());
    assert.match(text.stdout, /^#/m, 'a Markdown heading');
  });

  it('an unknown token is refused (401, exit 1)', async () => {
    const run = await cli(['beta', 'candidates'], 'not-a-token-0123456789abcdef');
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^flywheel: 401 /);
  });
});
