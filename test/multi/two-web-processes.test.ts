import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { withoutEnvOverrides } from '../../src/config/env-overrides.js';
import { freePort } from '../../src/redis/local-server.js';
import { finalChannel } from '../../src/approvals/wait.js';
import { createTestContext, type TestContext, testConfigTree } from '../support/deps.js';
import { bearer, TOKENS } from '../support/tokens.js';
import { waitFor } from '../support/wait-for.js';
import { configFile } from '../support/worker-process.js';

const AGENT = 'meta-agent-token-0123456789abcdef';

// Two `web` processes behind one load balancer, as the Procfile runs them: same database,
// same Redis, same session secret, different ports.
describe('two web processes', () => {
  let ctx: TestContext;
  const webs: { child: ChildProcess; url: string; output: () => string }[] = [];

  before(async () => {
    const tokens = (testConfigTree('', '') as { auth: { tokens: object[] } }).auth.tokens;
    ctx = await createTestContext({ config: { auth: { tokens: [...tokens, { name: 'meta-agent', id: 'meta', token: AGENT, roles: ['agent'] }] } } });
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const config = configFile(stringify({ ...(parse(ctx.configYaml) as object), server: { port, host: '127.0.0.1' } }));
      let output = '';
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/entry/web.ts'], {
        env: { ...withoutEnvOverrides(process.env), FLYWHEEL_CONFIG: config },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.on('data', (chunk) => (output += chunk));
      child.stderr?.on('data', (chunk) => (output += chunk));
      webs.push({ child, url: `http://127.0.0.1:${port}`, output: () => output });
    }
    await waitFor(() => webs.every((w) => w.output().includes('web listening')), { what: 'both web processes', timeoutMs: 90_000 }).catch((error: Error) => {
      throw new Error(`${error.message}: ${webs.map((w) => w.output().slice(-600)).join('\n---\n')}`);
    });
  });
  after(async () => {
    for (const w of webs) w.child.kill('SIGKILL');
    await ctx.cleanup();
  });

  /** Logs in through the /login form of one process; returns the session cookie. */
  const loginOn = async (base: string, token: string) => {
    const login = await fetch(`${base}/login`, {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams({ token, next: '/' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base },
    });
    assert.equal(login.status, 303, await login.text());
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    assert.ok(cookie.includes('='), 'a session cookie');
    return cookie;
  };
  const status = (base: string, cookie: string) => fetch(`${base}/api/v1/status`, { headers: { cookie } }).then((r) => r.status);

  it('a session made on one is valid on the other, and logout on one ends it on both', async () => {
    const [a, b] = webs.map((w) => w.url) as [string, string];
    const cookie = await loginOn(a, TOKENS.operator);
    assert.equal(await status(a, cookie), 200);
    assert.equal(await status(b, cookie), 200, 'the other process knows the session');
    const out = await fetch(`${b}/logout`, { method: 'POST', redirect: 'manual', headers: { cookie, origin: b } });
    assert.equal(out.status, 303);
    assert.equal(await status(b, cookie), 401);
    assert.equal(await status(a, cookie), 401, 'logout on one process ended the session on the other');
  });

  it('a decision made through one process wakes a long poll waiting on the other, and both live pages show it', async () => {
    const [a, b] = webs.map((w) => w.url) as [string, string];
    const api = (base: string, method: string, path: string, token: string, body?: unknown) =>
      fetch(`${base}${path}`, {
        method,
        headers: { ...bearer(token), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const filedRes = await api(a, 'POST', '/api/v1/approvals', AGENT, { kind: 'meta.strategy.shift', title: 'Shift spend to the spring cohort' });
    assert.equal(filedRes.status, 201, await filedRes.clone().text());
    const filed = (await filedRes.json()) as { id: string; status: string; payloadHash: string };
    assert.equal(filed.status, 'pending');

    // The dashboard's live regions re-fetch their page with `x-fragment: live`; a session made on A is served by B.
    const session = await loginOn(a, TOKENS.viewer);
    const overview = async (base: string) => {
      const res = await fetch(`${base}/dashboard/overview`, { headers: { cookie: session, 'x-fragment': 'live' } });
      assert.equal(res.status, 200);
      return res.text();
    };
    for (const base of [a, b]) assert.ok((await overview(base)).includes(`/dashboard/approvals/${filed.id}`), `pending on ${base}`);

    const polled = api(b, 'GET', `/api/v1/approvals/${filed.id}?waitSec=60`, AGENT).then(async (res) => ({
      at: Date.now(),
      status: res.status,
      body: (await res.json()) as { status: string },
    }));
    // B subscribes to the announcement channel before it reads the request (src/approvals/wait.ts).
    const channel = finalChannel(ctx.deps.queues.prefix);
    await waitFor(
      async () => {
        const [, subscribers] = (await ctx.deps.redis.pubsub('NUMSUB', channel)) as [string, number];
        return Number(subscribers) >= 1;
      },
      { what: 'the long poll on B to subscribe' },
    );
    const decided = await api(a, 'POST', `/api/v1/approvals/${filed.id}/decision`, TOKENS.approver, { decision: 'approve', payloadHash: filed.payloadHash });
    assert.equal(decided.status, 200, await decided.clone().text());
    const decidedAt = Date.now();
    const { at, status, body } = await polled;
    assert.equal(status, 200);
    assert.equal(body.status, 'approved');
    // Woken by A's announcement, not by its own 60 s timeout (generous: the machine is shared).
    assert.ok(at - decidedAt < 15_000, `answered ${at - decidedAt} ms after the decision`);
    for (const base of [a, b]) assert.ok(!(await overview(base)).includes(`/dashboard/approvals/${filed.id}`), `no longer pending on ${base}`);
  });
});
