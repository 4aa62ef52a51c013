import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../src/api/app.js';
import { manualClock } from '../../src/clock.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { login } from '../support/session.js';
import { bearer, TOKENS } from '../support/tokens.js';

const MISSING = '00000000-0000-4000-8000-000000000000';

describe('dashboard sessions', () => {
  let ctx: TestContext;
  let web1: ReturnType<typeof createApp>;
  let web2: ReturnType<typeof createApp>;
  const clock = manualClock(new Date());
  const read = (app: ReturnType<typeof createApp>, cookie: string) => app.request('http://localhost/api/v1/status', { headers: { cookie } });

  before(async () => {
    ctx = await createTestContext({ clock });
    // Two web processes: separate apps, one database.
    web1 = createApp(ctx.deps);
    web2 = createApp(ctx.deps);
  });
  after(() => ctx.cleanup());

  it('a login on one web process is a session on every other', async () => {
    const session = await login(web1, TOKENS.operator);
    assert.equal((await read(web1, session.cookie)).status, 200);
    assert.equal((await read(web2, session.cookie)).status, 200);
    assert.equal((await read(web2, 'flywheel_session=forged')).status, 401);
  });

  it('logout ends the session on the server: the old cookie no longer works anywhere', async () => {
    const session = await login(web1, TOKENS.operator);
    const out = await web2.request('http://localhost/logout', { method: 'POST', headers: { cookie: session.cookie, origin: 'http://localhost' } });
    assert.equal(out.status, 303);
    assert.equal((await read(web1, session.cookie)).status, 401);
    assert.equal((await read(web2, session.cookie)).status, 401);
    const page = await web1.request('http://localhost/dashboard/overview', { headers: { cookie: session.cookie } });
    assert.equal(page.status, 303, 'the dashboard sends the replayed cookie to the login form');
  });

  it('an admin logs everyone out, or one token name everywhere', async () => {
    const operator = await login(web1, TOKENS.operator);
    const viewer = await login(web2, TOKENS.viewer);
    const listed = (await (await web1.request('/api/v1/sessions', { headers: bearer(TOKENS.admin) })).json()) as { items: { tokenName: string }[] };
    assert.ok(listed.items.some((s) => s.tokenName === 'victor'));
    assert.equal((await web1.request('/api/v1/sessions', { headers: bearer(TOKENS.operator) })).status, 403);
    const revokeOne = await web1.request('/api/v1/sessions/revoke', { method: 'POST', headers: { ...bearer(TOKENS.admin), 'content-type': 'application/json' }, body: JSON.stringify({ tokenName: 'victor' }) });
    assert.deepEqual(await revokeOne.json(), { revoked: 1 });
    assert.equal((await read(web1, viewer.cookie)).status, 401);
    assert.equal((await read(web1, operator.cookie)).status, 200);
    const operatorTries = await web1.request('http://localhost/api/v1/sessions/revoke', { method: 'POST', headers: { cookie: operator.cookie, 'x-csrf-token': operator.csrf } });
    assert.equal(operatorTries.status, 403);
    const all = await web2.request('/api/v1/sessions/revoke', { method: 'POST', headers: bearer(TOKENS.admin) });
    assert.equal(all.status, 200);
    assert.ok(((await all.json()) as { revoked: number }).revoked >= 1);
    assert.equal((await read(web1, operator.cookie)).status, 401);
    const audit = await ctx.deps.db.selectFrom('audit_log').select(['actor', 'action']).where('action', '=', 'sessions.revoked').execute();
    assert.equal(audit.length, 2);
  });

  it('expires after 12 hours, and rotating a token ends its sessions', async () => {
    const session = await login(web1, TOKENS.operator);
    clock.advance(12 * 3600 * 1000 - 1000);
    assert.equal((await read(web1, session.cookie)).status, 200);
    clock.advance(2000);
    assert.equal((await read(web1, session.cookie)).status, 401);

    const fresh = await login(web1, TOKENS.operator);
    const auth = ctx.deps.config.auth;
    const rotated = createApp({ ...ctx.deps, config: { ...ctx.deps.config, auth: { ...auth, tokens: auth.tokens.map((t) => (t.name === 'olivia' ? { ...t, token: 'rotated-operator-token-0123456789' } : t)) } } });
    assert.equal((await read(rotated, fresh.cookie)).status, 401, 'the session of the old secret ends with it');
    assert.equal((await read(web1, fresh.cookie)).status, 200);
  });

  it('API writes with the cookie need the CSRF token or a same-origin Origin; bearer tokens need neither', async () => {
    const session = await login(web1, TOKENS.operator);
    const cancel = (headers: Record<string, string>) => web1.request(`http://localhost/api/v1/campaigns/${MISSING}/cancel`, { method: 'POST', headers });
    const refused = async (res: Response) => {
      assert.equal(res.status, 403);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'csrf');
    };
    await refused(await cancel({ cookie: session.cookie }));
    await refused(await cancel({ cookie: session.cookie, origin: 'http://evil.example' }));
    await refused(await cancel({ cookie: session.cookie, origin: 'http://localhost:8080' }));
    await refused(await cancel({ cookie: session.cookie, origin: 'http://sub.localhost' }));
    await refused(await cancel({ cookie: session.cookie, 'x-csrf-token': 'wrong' }));
    for (const origin of ['null', 'https://localhost', 'http://localhost.evil.example', 'http://evil.example/http://localhost']) await refused(await cancel({ cookie: session.cookie, origin }));
    await refused(await cancel({ cookie: session.cookie, referer: 'http://localhost/dashboard' }));
    // Another session's CSRF token (the attacker's own login) does not fit this session.
    await refused(await cancel({ cookie: session.cookie, 'x-csrf-token': (await login(web1, TOKENS.viewer)).csrf }));
    // Bull Board's writes sit behind the same check.
    const board = await web1.request('http://localhost/admin/queues/api/queues/telegram/pause', { method: 'PUT', headers: { cookie: session.cookie, origin: 'http://evil.example' } });
    assert.equal(board.status, 403);
    assert.equal((await cancel({ cookie: session.cookie, origin: 'http://localhost' })).status, 404);
    assert.equal((await cancel({ cookie: session.cookie, 'x-csrf-token': session.csrf })).status, 404);
    assert.equal((await cancel(bearer(TOKENS.operator))).status, 404);
    assert.equal((await cancel({ ...bearer(TOKENS.operator), origin: 'http://evil.example' })).status, 404);
    // Reads are not writes.
    assert.equal((await web1.request(`http://localhost/api/v1/campaigns/${MISSING}`, { headers: { cookie: session.cookie, origin: 'http://evil.example' } })).status, 404);
  });
});
