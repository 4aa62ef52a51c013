import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { freePort } from '../../src/redis/local-server.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { TOKENS } from '../support/tokens.js';
import { waitFor } from '../support/wait-for.js';
import { configFile } from '../support/worker-process.js';

// Two `web` processes behind one load balancer, as the Procfile runs them: same database,
// same Redis, same session secret, different ports.
describe('two web processes', () => {
  let ctx: TestContext;
  const webs: { child: ChildProcess; url: string; output: () => string }[] = [];

  before(async () => {
    ctx = await createTestContext();
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const config = configFile(stringify({ ...(parse(ctx.configYaml) as object), server: { port, host: '127.0.0.1' } }));
      let output = '';
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/entry/web.ts'], {
        env: { ...process.env, FLYWHEEL_CONFIG: config },
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

  const status = (base: string, cookie: string) => fetch(`${base}/api/v1/status`, { headers: { cookie } }).then((r) => r.status);

  it('a session made on one is valid on the other, and logout on one ends it on both', async () => {
    const [a, b] = webs.map((w) => w.url) as [string, string];
    const login = await fetch(`${a}/login`, {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams({ token: TOKENS.operator, next: '/' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: a },
    });
    assert.equal(login.status, 303, await login.text());
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    assert.ok(cookie.includes('='), 'a session cookie');
    assert.equal(await status(a, cookie), 200);
    assert.equal(await status(b, cookie), 200, 'the other process knows the session');
    const out = await fetch(`${b}/logout`, { method: 'POST', redirect: 'manual', headers: { cookie, origin: b } });
    assert.equal(out.status, 303);
    assert.equal(await status(b, cookie), 401);
    assert.equal(await status(a, cookie), 401, 'logout on one process ended the session on the other');
  });
});
