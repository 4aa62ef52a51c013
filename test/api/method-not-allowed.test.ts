import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../src/api/app.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { bearer, TOKENS } from '../support/tokens.js';

describe('an unknown method on a known path', () => {
  let ctx: TestContext;
  let app: ReturnType<typeof createApp>;
  before(async () => {
    ctx = await createTestContext();
    app = createApp(ctx.deps);
  });
  after(() => ctx.cleanup());

  it('is answered 405 with Allow listing the methods the path takes, in the error envelope', async () => {
    const res = await app.request('/healthz', { method: 'PUT' });
    assert.equal(res.status, 405);
    assert.equal(res.headers.get('allow'), 'GET, HEAD, OPTIONS');
    const body = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'method_not_allowed');
    assert.match(body.error.message, /PUT is not allowed on \/healthz/);
  });

  it('works for parameterised API routes, after authentication', async () => {
    const res = await app.request('/api/v1/campaigns/00000000-0000-0000-0000-000000000000/launch', { method: 'GET', headers: bearer(TOKENS.viewer) });
    assert.equal(res.status, 405);
    assert.equal(res.headers.get('allow'), 'POST, OPTIONS');
    const list = await app.request('/api/v1/campaigns', { method: 'DELETE', headers: bearer(TOKENS.admin) });
    assert.equal(list.status, 405);
    assert.match(list.headers.get('allow') ?? '', /^GET, HEAD(, POST)?, OPTIONS$/);
    const anonymous = await app.request('/api/v1/campaigns', { method: 'DELETE' });
    assert.equal(anonymous.status, 401, 'who is asking is checked first');
  });

  it('answers OPTIONS on a known path with 204 and Allow, and an unknown path with 404', async () => {
    const options = await app.request('/readyz', { method: 'OPTIONS' });
    assert.equal(options.status, 204);
    assert.equal(options.headers.get('allow'), 'GET, HEAD, OPTIONS');
    const missing = await app.request('/no/such/path', { method: 'DELETE' });
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { error: { code: string } }).error.code, 'not_found');
    assert.equal(missing.headers.get('allow'), null);
  });
});
