import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../src/api/app.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { TestDownstream } from '../support/test-downstream.js';
import { bearer, TOKENS } from '../support/tokens.js';
import { waitFor } from '../support/wait-for.js';
import { startTestWorkers } from '../support/workers.js';
import { eventsFor, type TenantSpec, userIdsOf } from './fixtures/activity-events.js';

const SECRET = 'invitation-channel-secret-0123';
const engaged = (id: string): TenantSpec => ({ id, plan: 'pro', seats: 40, users: 12, features: 12, sessionMinutes: 30, eventsPerUserPerDay: 6, days: { from: 0, to: 55 } });

describe('the PM agent inviting screened candidates on its own (beta.autoInvite)', () => {
  let ctx: TestContext;
  let app: ReturnType<typeof createApp>;
  let workers: Awaited<ReturnType<typeof startTestWorkers>>;
  const downstream = new TestDownstream(SECRET);
  const now = new Date();

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await app.request(path, body === undefined ? { method, headers: bearer(TOKENS.operator) } : { method, headers: { ...bearer(TOKENS.operator), 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as any };
  };
  const screen = async () => {
    const queued = await call('POST', '/api/v1/jobs/beta-screening', {});
    return waitFor(async () => {
      const job = (await call('GET', `/api/v1/jobs/beta-screening/${queued.body.id}`)).body;
      if (job.state === 'failed') throw new Error(job.failedReason);
      return job.state === 'completed' ? job.result : undefined;
    }, { what: 'screening' });
  };

  before(async () => {
    await downstream.start();
    ctx = await createTestContext({
      config: {
        campaigns: { reconcileEverySec: 3600 },
        beta: { autoInvite: true, inviteSecret: 'invite-link-secret-0123456789', invitation: { url: downstream.url, secret: SECRET } },
      },
    });
    app = createApp(ctx.deps);
    workers = await startTestWorkers(ctx);
    const specs = [engaged('alpha'), engaged('bravo'), engaged('charlie')];
    assert.equal((await call('POST', '/api/v1/tenants', { tenants: specs.map((t) => ({ id: t.id, name: t.id, plan: t.plan, seats: t.seats })) })).status, 200);
    assert.equal((await call('POST', '/api/v1/users', { users: specs.flatMap((t) => userIdsOf(t).map((id) => ({ id, tenantId: t.id, name: id }))) })).status, 200);
    const events = specs.flatMap((t) => eventsFor(t, now));
    for (let i = 0; i < events.length; i += 5000) assert.equal((await call('POST', '/api/v1/events', { events: events.slice(i, i + 5000) })).status, 200);
  });
  after(async () => {
    await workers.stop();
    await ctx.cleanup();
    await downstream.stop();
  });

  it('proposes inviting the candidates after screening; a batch within the guardrail is sent without anyone asking, and the next screening proposes nobody again', async () => {
    const first = await screen();
    assert.deepEqual([...first.candidates].sort(), ['alpha', 'bravo', 'charlie']);
    assert.equal(first.invitation, 'applied', 'three is within the beta.invite batch guardrail');
    await waitFor(() => downstream.messages.length >= 3 || undefined, { what: 'three invitations delivered' });
    const participants = await ctx.deps.db.selectFrom('beta_participants').select(['tenant_id', 'status']).orderBy('tenant_id').execute();
    assert.deepEqual(participants.map((p) => [p.tenant_id, p.status]), [['alpha', 'invited'], ['bravo', 'invited'], ['charlie', 'invited']]);

    const second = await screen();
    assert.deepEqual(second.candidates, [], 'invited tenants are in the Beta now');
    assert.equal(second.invitation, null);
    assert.equal(downstream.messages.length, 3);
  });
});
