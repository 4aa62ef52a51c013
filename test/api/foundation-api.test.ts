import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../src/api/app.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { bearer, TOKENS } from '../support/tokens.js';

describe('foundation API', () => {
  let ctx: TestContext;
  let app: ReturnType<typeof createApp>;
  before(async () => {
    ctx = await createTestContext();
    app = createApp(ctx.deps);
  });
  after(() => ctx.cleanup());

  it('answers liveness and readiness with Redis and Postgres reachable', async () => {
    assert.equal((await app.request('/healthz')).status, 200);
    const ready = await app.request('/readyz');
    assert.equal(ready.status, 200);
    const body = (await ready.json()) as { ready: boolean };
    assert.equal(body.ready, true);
  });

  it('serves status with components, queue counts, versions and redacted config', async () => {
    const res = await app.request('/api/v1/status', { headers: bearer(TOKENS.viewer) });
    assert.equal(res.status, 200);
    const body = (await res.json()) as Record<string, any>;
    assert.equal(body.components.ops.enabled, true);
    assert.ok('ops-monitor' in body.queues);
    assert.ok(body.versions.bullmq);
    assert.equal(body.config.auth.tokens[0].token, '[redacted]');
    assert.ok(!JSON.stringify(body).includes(TOKENS.admin));
    const seed = await app.request('/api/phase7/status', { headers: bearer(TOKENS.viewer) });
    assert.equal(seed.status, 200);
  });
});
