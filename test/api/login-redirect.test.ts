import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../src/api/app.js';
import { safeNext } from '../../src/web/login.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { TOKENS } from '../support/tokens.js';

describe('the redirect after login', () => {
  let ctx: TestContext;
  let app: ReturnType<typeof createApp>;
  before(async () => {
    ctx = await createTestContext();
    app = createApp(ctx.deps);
  });
  after(() => ctx.cleanup());

  const login = (next: string) =>
    app.request('http://localhost/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost' },
      body: new URLSearchParams({ token: TOKENS.viewer, next }).toString(),
    });

  it('never leaves this origin, whatever the browser would make of the text', async () => {
    for (const hostile of ['/\\evil.example', '/\t/evil.example', '//evil.example', '/\\/evil.example', '/\n/evil.example', 'https://evil.example/', '/\r\n\\evil.example/x', 'javascript:alert(1)']) {
      const res = await login(hostile);
      assert.equal(res.status, 303, JSON.stringify(hostile));
      const location = res.headers.get('location') ?? '';
      assert.equal(new URL(location, 'http://localhost').origin, 'http://localhost', `${JSON.stringify(hostile)} -> ${location}`);
      assert.equal(location, '/', JSON.stringify(hostile));
    }
  });

  it('never answers a Location a browser reads as another host, even after dot segments resolve', async () => {
    for (const hostile of ['/.//evil.example', '/..//evil.example', '/a/..//evil.example/x?y=1', '/%2e//evil.example', '/./\\evil.example', '/.///evil.example']) {
      const res = await login(hostile);
      assert.equal(res.status, 303, JSON.stringify(hostile));
      const location = res.headers.get('location') ?? '';
      assert.equal(new URL(location, 'http://localhost').origin, 'http://localhost', `${JSON.stringify(hostile)} -> ${location}`);
      assert.ok(!/^\/[\/\\]/.test(location), `${JSON.stringify(hostile)} -> ${location}`);
    }
  });

  it('keeps a same-origin path with its query, as the URL parser resolved it', async () => {
    assert.equal((await login('/dashboard/campaigns?status=running')).headers.get('location'), '/dashboard/campaigns?status=running');
    assert.equal(safeNext('/admin/queues/../queues'), '/admin/queues');
    assert.equal(safeNext(undefined), '/');
  });
});
