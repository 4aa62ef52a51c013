import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../src/api/app.js';
import { manualClock } from '../../src/clock.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { TestDownstream } from '../support/test-downstream.js';
import { bearer, TOKENS } from '../support/tokens.js';
import { waitFor } from '../support/wait-for.js';
import { startTestWorkers } from '../support/workers.js';
import { eventsFor, type TenantSpec, userIdsOf } from './fixtures/activity-events.js';

const SECRET = 'invitation-channel-secret-0123';
const PUBLIC_URL = 'https://flywheel.example.com';
const LINK = /https:\/\/flywheel\.example\.com\/beta\/invitations\/([A-Za-z0-9_.-]+)\/(accept|decline)/g;

/** Eleven engaged tenants: one more than the policy's `beta.invite` batch guardrail (10). */
const ENGAGED: TenantSpec[] = Array.from({ length: 11 }, (_, i) => ({
  id: `beta-${String(i + 1).padStart(2, '0')}`,
  plan: 'pro',
  seats: 40,
  users: 15,
  features: 12,
  sessionMinutes: 30,
  eventsPerUserPerDay: 6,
  days: { from: 0, to: 55 },
}));
const QUIET: TenantSpec = { id: 'quiet', plan: 'pro', seats: 40, users: 2, features: 1, sessionMinutes: 1, eventsPerUserPerDay: 1, days: { from: 3, to: 10 } };

describe('beta invitations end to end', () => {
  let ctx: TestContext;
  let app: ReturnType<typeof createApp>;
  let workers: Awaited<ReturnType<typeof startTestWorkers>>;
  const downstream = new TestDownstream(SECRET);
  const now = new Date();
  const clock = manualClock(now);
  let traceId = '';
  const tokens = new Map<string, { accept: string; decline: string }>();

  const call = async (method: string, path: string, body?: unknown, token: string | null = TOKENS.operator, headers: Record<string, string> = {}) => {
    const auth = token ? bearer(token) : {};
    const res = await app.request(path, body === undefined ? { method, headers: { ...auth, ...headers } } : { method, headers: { ...auth, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, body: (res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : null) as any };
  };
  const program = async () => (await call('GET', '/api/v1/beta/candidates', undefined, TOKENS.viewer)).body.program;
  const statusOf = async (tenantId: string) =>
    (await ctx.deps.db.selectFrom('beta_participants').select('status').where('tenant_id', '=', tenantId).executeTakeFirst())?.status;

  before(async () => {
    await downstream.start();
    ctx = await createTestContext({
      clock,
      config: {
        server: { publicUrl: PUBLIC_URL },
        campaigns: { reconcileEverySec: 3600 },
        beta: { inviteSecret: 'invite-link-secret-0123456789', invitation: { url: downstream.url, secret: SECRET, ttlDays: 14 } },
      },
    });
    app = createApp(ctx.deps);
    workers = await startTestWorkers(ctx);
    const specs = [...ENGAGED, QUIET];
    assert.equal((await call('POST', '/api/v1/tenants', { tenants: specs.map((t) => ({ id: t.id, name: `Tenant ${t.id}`, plan: t.plan, seats: t.seats })) })).status, 200);
    // The fourth user of each tenant is its admin: the invitation goes to them.
    const users = specs.flatMap((t) => userIdsOf(t).map((id, u) => ({ id, tenantId: t.id, name: `User ${id}`, ...(u === 3 ? { attributes: { role: 'admin' } } : {}) })));
    assert.equal((await call('POST', '/api/v1/users', { users })).status, 200);
    const events = specs.flatMap((t) => eventsFor(t, now));
    for (let i = 0; i < events.length; i += 5000) assert.equal((await call('POST', '/api/v1/events', { events: events.slice(i, i + 5000) })).status, 200);
  });
  after(async () => {
    await workers.stop();
    await ctx.cleanup();
    await downstream.stop();
  });

  it('screens, asks for approval of an invitation batch over the guardrail, and delivers the approved invitations through the campaign pipeline', async () => {
    const queued = await call('POST', '/api/v1/jobs/beta-screening', {});
    assert.equal(queued.status, 202);
    await waitFor(async () => (await call('GET', `/api/v1/jobs/beta-screening/${queued.body.id}`, undefined, TOKENS.viewer)).body.state === 'completed', { what: 'screening' });

    const listed = await call('GET', '/api/v1/beta/candidates', undefined, TOKENS.viewer);
    const candidateIds = listed.body.candidates.map((c: { tenantId: string }) => c.tenantId);
    assert.deepEqual([...candidateIds].sort(), ENGAGED.map((t) => t.id));
    assert.deepEqual(listed.body.program, { invited: 0, accepted: 0, declined: 0, active: 0, optedOut: 0, feedback: { total: 0, bySentiment: { positive: 0, neutral: 0, negative: 0 }, byCategory: {} } });

    const proposed = await call('POST', '/api/v1/beta/invitations', { tenantIds: candidateIds }, TOKENS.operator, { 'x-trace-id': 'trace-beta-invite-1' });
    assert.equal(proposed.status, 200, proposed.text);
    assert.equal(proposed.body.outcome, 'approval_requested');
    traceId = 'trace-beta-invite-1';
    const request = proposed.body.request;
    assert.equal(request.kind, 'beta.invite');
    assert.equal(request.status, 'pending');
    assert.match(request.reasons[0], /Batch size 11 is over the guardrail of 10/);
    assert.equal(await statusOf(ENGAGED[0]!.id), undefined, 'nothing is sent before approval');
    assert.equal(downstream.messages.length, 0);

    const detail = await call('GET', `/api/v1/approvals/${request.id}`, undefined, TOKENS.viewer);
    const decided = await call('POST', `/api/v1/approvals/${request.id}/decision`, { decision: 'approve', reason: 'good cohort', payloadHash: detail.body.payloadHash }, TOKENS.approver);
    assert.equal(decided.status, 200, decided.text);
    assert.equal(decided.body.status, 'approved');

    await waitFor(() => downstream.messages.length >= 11 || undefined, { what: 'eleven invitations delivered', timeoutMs: 60_000 });
    const campaignId = (await ctx.deps.db.selectFrom('beta_participants').select('campaign_id').where('tenant_id', '=', ENGAGED[0]!.id).executeTakeFirstOrThrow()).campaign_id!;
    const campaign = await waitFor(async () => {
      const res = await call('GET', `/api/v1/campaigns/${campaignId}`, undefined, TOKENS.viewer);
      return res.body.status === 'completed' ? res.body : undefined;
    }, { what: 'invitation campaign completion' });
    assert.deepEqual({ delivered: campaign.progress.delivered, failed: campaign.progress.failed }, { delivered: 11, failed: 0 });
    assert.equal(campaign.approvalId, null, 'the campaign rides on the beta.invite approval, not a launch approval of its own');
    assert.equal(campaign.audience.variables, '[11 recipients]', 'personal links are not shown by the campaign API');
    assert.equal(downstream.messages.length, 11);
    assert.equal(downstream.badSignatures, 0);

    for (const message of downstream.messages) {
      const userId = String(message.userId);
      const tenantId = userId.replace(/-u\d+$/, '');
      assert.equal(userId, `${tenantId}-u3`, 'each invitation goes to the tenant admin');
      const links = Object.fromEntries([...String(message.text).matchAll(LINK)].map((m) => [m[2], m[1]]));
      assert.ok(links.accept && links.decline, String(message.text));
      assert.match(String(message.text), new RegExp(`^Hi User ${userId}, Tenant ${tenantId} is invited to the Flywheel Beta`));
      tokens.set(tenantId, { accept: links.accept!, decline: links.decline! });
    }
    assert.equal(tokens.size, 11);
    assert.deepEqual((await program()).invited, 11);
  });

  it('accepts through the signed link, once, and audits it on the invitation’s trace', async () => {
    const tenantId = ENGAGED[0]!.id;
    const token = tokens.get(tenantId)!.accept;
    const page = await call('GET', `/beta/invitations/${token}/accept`, undefined, null);
    assert.equal(page.status, 200);
    assert.match(page.text, /<form method="post"/);
    assert.equal(await statusOf(tenantId), 'invited', 'opening the link changes nothing');

    const accepted = await call('POST', `/beta/invitations/${token}/accept`, undefined, null);
    assert.equal(accepted.status, 200, accepted.text);
    assert.deepEqual(accepted.body, { tenantId, status: 'accepted', changed: true });
    const again = await call('POST', `/beta/invitations/${token}/accept`, undefined, null);
    assert.deepEqual(again.body, { tenantId, status: 'accepted', changed: false });
    assert.equal(await statusOf(tenantId), 'accepted');
    const counts = await program();
    assert.equal(counts.accepted, 1);
    assert.equal(counts.invited, 10);

    const audit = await call('GET', `/api/v1/audit?trace=${traceId}`, undefined, TOKENS.viewer);
    const actions = audit.body.items.map((e: { action: string }) => e.action);
    for (const action of ['approval.requested', 'approval.approved', 'campaign.created', 'campaign.started', 'beta.invited', 'beta.accepted']) {
      assert.ok(actions.includes(action), `${action} in ${actions.join(', ')}`);
    }
    const acceptEntries = audit.body.items.filter((e: { action: string }) => e.action === 'beta.accepted');
    assert.equal(acceptEntries.length, 1, 'a repeated accept is not audited again');
    assert.equal(acceptEntries[0].subjectId, tenantId);
    assert.equal(acceptEntries[0].actor, `user:${tenantId}-u3`);
    assert.equal((await call('GET', '/api/v1/audit/verify', undefined, TOKENS.viewer)).body.ok, true);
  });

  it('an answer is final: the other answer is refused, and opening the link shows the recorded answer', async () => {
    const tenantId = ENGAGED[0]!.id;
    const { accept, decline } = tokens.get(tenantId)!;
    const flipped = await call('POST', `/beta/invitations/${decline}/decline`, undefined, null);
    assert.equal(flipped.status, 409, flipped.text);
    assert.equal(flipped.body.error.code, 'already_answered');
    const form = await app.request(`/beta/invitations/${decline}/decline`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    assert.equal(form.status, 409);
    assert.match(await form.text(), /Welcome to the Beta/);
    for (const [token, answer] of [[accept, 'accept'], [decline, 'decline']] as const) {
      const page = await call('GET', `/beta/invitations/${token}/${answer}`, undefined, null);
      assert.equal(page.status, 200);
      assert.doesNotMatch(page.text, /<form/);
      assert.match(page.text, /Welcome to the Beta: your answer is recorded/);
    }
    assert.equal(await statusOf(tenantId), 'accepted');
    const audit = await call('GET', `/api/v1/audit?trace=${traceId}`, undefined, TOKENS.viewer);
    assert.equal(audit.body.items.filter((e: { action: string; subjectId: string }) => e.action === 'beta.declined' && e.subjectId === tenantId).length, 0);
  });

  it('declines through the confirmation form', async () => {
    const tenantId = ENGAGED[1]!.id;
    const res = await app.request(`/beta/invitations/${tokens.get(tenantId)!.decline}/decline`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    assert.equal(res.status, 200);
    assert.match(await res.text(), /You declined/);
    assert.equal(await statusOf(tenantId), 'declined');
    assert.equal((await program()).declined, 1);
  });

  it('refuses a tampered, forged, malformed or expired link with a 4xx and changes nothing', async () => {
    const tenantId = ENGAGED[2]!.id;
    const token = tokens.get(tenantId)!.accept;
    const [payload, signature] = token.split('.') as [string, string];
    const flipped = `${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'AB' : 'AA'}`;
    const otherTenant = Buffer.from(JSON.stringify({ t: ENGAGED[3]!.id, e: Math.floor(now.getTime() / 1000) + 86_400 })).toString('base64url');
    const cases: [string, number, string][] = [
      [flipped, 403, 'invalid_token'],
      [`${otherTenant}.${signature}`, 403, 'invalid_token'],
      ['not-a-token', 400, 'invalid_token'],
    ];
    for (const [bad, status, code] of cases) {
      const res = await call('POST', `/beta/invitations/${bad}/accept`, undefined, null);
      assert.equal(res.status, status, bad);
      assert.equal(res.body.error.code, code);
    }
    clock.advance(15 * 86_400_000);
    try {
      const expired = await call('POST', `/beta/invitations/${token}/accept`, undefined, null);
      assert.equal(expired.status, 410);
      assert.equal(expired.body.error.code, 'expired');
    } finally {
      clock.set(now);
    }
    assert.equal(await statusOf(tenantId), 'invited');
    assert.equal(await statusOf(ENGAGED[3]!.id), 'invited');
    const entries = await ctx.deps.db.selectFrom('audit_log').select('action').where('subject_id', 'in', [tenantId, ENGAGED[3]!.id]).execute();
    assert.deepEqual(entries, []);
  });

  it('sends a batch within the guardrail at once, skipping tenants that already answered', async () => {
    const proposed = await call('POST', '/api/v1/beta/invitations', { tenantIds: ['quiet', ENGAGED[0]!.id] });
    assert.equal(proposed.status, 200, proposed.text);
    assert.equal(proposed.body.outcome, 'applied');
    // The approvals worker applies it, as it applies an approved batch; the audit entry carries what it did.
    const applied = await waitFor(
      async () => (await ctx.deps.db.selectFrom('audit_log').select('data').where('action', '=', 'action.applied').where('subject_id', '=', 'beta.invite').execute()).find((e) => (e.data as any).params.tenantIds.includes('quiet')),
      { what: 'the allowed invitations to apply' },
    );
    const result = (applied.data as any).result;
    assert.deepEqual(result.invited, ['quiet']);
    assert.deepEqual(result.skipped, [{ tenantId: ENGAGED[0]!.id, reason: 'already accepted' }]);
    // quiet has no admin: its first user gets the invitation.
    await waitFor(() => downstream.messages.some((m) => m.userId === 'quiet-u0') || undefined, { what: 'the small batch delivered' });
    assert.equal(await statusOf('quiet'), 'invited');
    assert.equal(await statusOf(ENGAGED[0]!.id), 'accepted');
  });

  it('rejects an invitation of an unknown tenant by index, and answers 409 when invitations are not configured', async () => {
    const unknown = await call('POST', '/api/v1/beta/invitations', { tenantIds: ['quiet', 'ghost'] });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error.field, 'tenantIds[1]');
    assert.equal((await call('POST', '/api/v1/beta/invitations', { tenantIds: ['quiet'] }, TOKENS.viewer)).status, 403);
    const off = createApp({ ...ctx.deps, config: { ...ctx.deps.config, beta: { ...ctx.deps.config.beta, invitation: { ...ctx.deps.config.beta.invitation, url: '' } } } });
    const res = await off.request('/api/v1/beta/invitations', { method: 'POST', headers: { ...bearer(TOKENS.operator), 'content-type': 'application/json' }, body: JSON.stringify({ tenantIds: ['quiet'] }) });
    assert.equal(res.status, 409);
    assert.equal(((await res.json()) as any).error.code, 'not_configured');
  });
});
