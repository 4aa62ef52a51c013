import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../src/api/app.js';
import { jsonDepth } from '../../src/api/input-guard.js';
import { createCampaign } from '../../src/campaigns/create.js';
import { campaignInputSchema } from '../../src/campaigns/input.js';
import { startCampaign } from '../../src/campaigns/launch.js';
import { getCampaign } from '../../src/campaigns/store.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { FakeTelegram } from '../support/fake-telegram.js';
import { seedUsers } from '../support/seed-users.js';
import { bearer, TOKENS } from '../support/tokens.js';

const SECRET = 'webhook-secret-0123456789';

describe('hostile input at the edge', () => {
  let ctx: TestContext;
  let app: ReturnType<typeof createApp>;
  const telegram = new FakeTelegram();
  const get = (path: string) => app.request(path, { headers: bearer(TOKENS.admin) });
  const post = (path: string, body: string, type = 'application/json') => app.request(path, { method: 'POST', headers: { ...bearer(TOKENS.admin), 'content-type': type }, body });
  const refused = async (res: Response, field: string) => {
    const text = await res.text();
    assert.equal(res.status, 400, text);
    assert.equal((JSON.parse(text) as { error: { field: string } }).error.field, field, text);
  };

  before(async () => {
    await telegram.start();
    ctx = await createTestContext({
      config: { telegram: { enabled: true, botToken: '123:TEST', webhookSecret: SECRET, apiRoot: telegram.apiRoot, approverChats: [1001] } },
    });
    app = createApp(ctx.deps);
    await seedUsers(ctx.deps.db, 5);
  });
  after(async () => {
    await ctx.cleanup();
    await telegram.stop();
  });

  it('refuses NUL in a query string with 400 naming the parameter', async () => {
    await refused(await get('/api/v1/audit?trace=%00'), 'query.trace');
    await refused(await get('/api/v1/approvals/pending?kind=a%00b'), 'query.kind');
    await refused(await get('/api/v1/approvals/history?actor=x%00'), 'query.actor');
    await refused(await get('/api/phase7/approvals/history?kind=%00'), 'query.kind');
  });

  it('refuses NUL in a path segment', async () => {
    await refused(await get('/api/v1/campaigns/%00'), 'path');
    await refused(await get('/api/v1/jobs/diagnostics/a%00b'), 'path');
    await refused(await get('/beta/invitations/abc%00/accept'), 'path');
  });

  it('refuses NUL and lone surrogates anywhere in a JSON body, writing nothing', async () => {
    const batch = (props: string) => `{"events":[{"tenantId":"t0","userId":"u00000","type":"login","time":"2026-01-01T00:00:00Z","properties":${props}}]}`;
    await refused(await post('/api/v1/events', batch('{"plan":"a\\u0000b"}')), 'json.events.0.properties.plan');
    await refused(await post('/api/v1/events', batch('{"plan":"\\ud800"}')), 'json.events.0.properties.plan');
    await refused(await post('/api/v1/events', batch('{"a\\u0000":"x"}')), 'json.events.0.properties.(key)');
    const events = await ctx.deps.db.selectFrom('events').select('id').execute();
    assert.equal(events.length, 0);
  });

  it('refuses JSON nested thousands of levels deep, and malformed JSON, with 400', async () => {
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    await refused(await post('/api/v1/events', deep), 'json');
    await refused(await post('/api/v1/campaigns', `{"name":${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}}`), 'json');
    await refused(await post('/api/v1/events', '{"events": ['), 'json');
    assert.equal(jsonDepth('{"a":"[[[[","b":[{"c":"\\"]"}]}'), 3);
  });

  it('pausing with a NUL in the reason is a 400 and changes nothing', async () => {
    const input = campaignInputSchema.parse({ name: 'nul pause', audience: { type: 'segment', filters: {} }, template: 'Hi', channel: { url: 'http://127.0.0.1:9/x', secret: 'downstream-secret-0123456789' } });
    const campaign = await createCampaign(ctx.deps, input, 'olivia', 'trace-nul');
    await startCampaign(ctx.deps, campaign.id, 'trace-nul', 'olivia', { by: 'policy' });
    await refused(await post(`/api/v1/campaigns/${campaign.id}/pause`, '{"reason":"x\\u0000y"}'), 'json.reason');
    assert.equal((await getCampaign(ctx.deps.db, campaign.id))?.status, 'running');
    assert.equal((await ctx.deps.runtime.limits(campaign.id)).paused, false);
  });

  it('checks a body whatever its content type says: multipart forms, JSON sent as text, plain text', async () => {
    const form = new FormData();
    form.set('decision', 'reject');
    form.set('reason', 'no\u0000way');
    // parseBody (every dashboard form) reads multipart too: refused before any handler sees it.
    await refused(await app.request(`/dashboard/approvals/${crypto.randomUUID()}/decision`, { method: 'POST', headers: bearer(TOKENS.admin), body: form }), 'form.reason');
    await refused(await post('/api/v1/events', '{"events":[{"name":"a\\u0000b"}]}', 'text/plain'), 'json.events.0.name');
    await refused(await post('/api/v1/events', `${'['.repeat(5000)}`, 'text/plain'), 'json');
    await refused(await post('/api/v1/events', 'plain\u0000text', 'text/plain'), 'body');
    const broken = await app.request('/dashboard/approvals/x/decision', { method: 'POST', headers: { ...bearer(TOKENS.admin), 'content-type': 'multipart/form-data; boundary=zz' }, body: '--zz\r\nbroken' });
    assert.equal(broken.status, 400);
  });

  it('a bad Telegram webhook body with the right secret is a 400; the wrong secret a 401', async () => {
    const hook = (body: string, secret = SECRET, type = 'application/json') =>
      app.request('/telegram/webhook', { method: 'POST', headers: { 'content-type': type, 'x-telegram-bot-api-secret-token': secret }, body });
    assert.equal((await hook('{"update_id":1}', 'wrong-secret')).status, 401);
    for (const body of ['not json', '[]', '"x"', '{"update_id":"one"}', '{}', '{"update_id":1,"message":"\\u0000"}']) {
      const res = await hook(body);
      assert.equal(res.status, 400, `${body}: ${await res.text()}`);
    }
    assert.equal((await hook('update_id=1', SECRET, 'application/x-www-form-urlencoded')).status, 400);
    // grammY reads the body as JSON whatever the content type: so does the check.
    assert.equal((await hook('{"update_id":2,"message":{"text":"/reject x \\u0000"}}', SECRET, 'text/plain')).status, 400);
    assert.equal((await hook('{"update_id":7}')).status, 200, 'an update with nothing to handle is accepted');
  });
});
