import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { withRunToken } from '../../src/entry/login-banner.js';
import { parseConfig } from '../../src/config/load.js';
import { entryConfig, runEntry } from '../support/entry-process.js';
import type { RunningProcess } from '../support/procfile.js';
import { waitFor } from '../support/wait-for.js';

describe('npm start says where to log in and with which token', { timeout: 400_000 }, () => {
  let files: Awaited<ReturnType<typeof entryConfig>>;
  const running: RunningProcess[] = [];

  before(async () => {
    files = await entryConfig('fwstart', { auth: { tokens: [], adminToken: '${FLYWHEEL_ADMIN_TOKEN:-}' } });
  });
  after(async () => {
    for (const p of running) p.signal('SIGKILL');
    await files.drop();
  });

  async function start(env: Record<string, string>) {
    const p = runEntry('start', { FLYWHEEL_CONFIG: files.path, ...env });
    running.push(p);
    await waitFor(() => /Dashboard login: (\S+)\/login/.test(p.output()) || p.child.exitCode !== null, { what: 'the login line', timeoutMs: 60_000 });
    const base = /Dashboard login: (\S+)\/login/.exec(p.output())?.[1];
    assert.ok(base, p.output());
    return { p, base };
  }

  async function stop(p: RunningProcess) {
    p.signal('SIGTERM');
    assert.equal(await p.exited, 0, p.output());
  }

  it('prints the login URL and, with no token configured, a generated admin token that works, on a line of its own', async () => {
    const { p, base } = await start({});
    assert.match(base, /^http:\/\/localhost:\d+$/);
    const token = /^login token: (\S+)$/m.exec(p.output())?.[1];
    assert.ok(token && token.length >= 16, p.output());
    assert.match(p.output(), /No login token is configured/);
    const status = await fetch(`${base}/api/v1/status`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(status.status, 200);
    const wrong = await fetch(`${base}/api/v1/status`, { headers: { authorization: 'Bearer not-the-token-0123456789' } });
    assert.equal(wrong.status, 401);
    const logLines = p.output().split('\n').filter((line) => line.startsWith('{'));
    assert.ok(logLines.length > 0 && logLines.every((line) => !line.includes(token)), 'the run token appears in a log line');
    await stop(p);
  });

  it('never generates one in production, and says that none is configured', async () => {
    const { p } = await start({ NODE_ENV: 'production' });
    assert.doesNotMatch(p.output(), /login token:/);
    assert.match(p.output(), /No login token is configured: set FLYWHEEL_ADMIN_TOKEN/);
    await stop(p);
  });

  it('says a token is configured, and prints none, when FLYWHEEL_ADMIN_TOKEN is set', async () => {
    const { p } = await start({ FLYWHEEL_ADMIN_TOKEN: 'a-long-enough-admin-token' });
    assert.match(p.output(), /Login tokens are configured: FLYWHEEL_ADMIN_TOKEN/);
    assert.doesNotMatch(p.output(), /login token:|a-long-enough-admin-token/);
    await stop(p);
  });

  it('stops with the reason when the admin token is under 16 characters', async () => {
    const p = runEntry('start', { FLYWHEEL_CONFIG: files.path, FLYWHEEL_ADMIN_TOKEN: 'short' });
    running.push(p);
    assert.equal(await p.exited, 1);
    assert.match(p.output(), /auth\.adminToken: FLYWHEEL_ADMIN_TOKEN must be at least 16 characters/);
    assert.doesNotMatch(p.output(), /Dashboard login/);
  });

  it('generates nothing when tokens are configured in auth.tokens', () => {
    const config = parseConfig(JSON.stringify({ auth: { tokens: [{ name: 'x', token: 'x'.repeat(16), roles: ['viewer'] }] } }), {});
    assert.equal(withRunToken(config, undefined).generated, null);
    assert.equal(withRunToken(parseConfig('{}', {}), undefined, () => 'generated-token-0123').config.auth.adminToken, 'generated-token-0123');
  });
});
