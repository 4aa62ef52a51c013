import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { propose } from '../../src/approvals/propose.js';
import type { ApprovalView } from '../../src/approvals/view.js';
import { flashMessage, timeLeft } from '../../src/web/format.js';
import { launchBrowser, collectPageErrors, screenshot, skipWithoutChromium } from '../support/browser.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { recordingAction } from '../support/recording-action.js';
import { serveApp } from '../support/server.js';
import { bearer, TOKENS } from '../support/tokens.js';
import { waitFor } from '../support/wait-for.js';
import { startTestWorkers } from '../support/workers.js';

describe('Dashboard flows in headless Chromium: log in, see pending, approve with reason, see it in history', { skip: skipWithoutChromium() }, () => {
  let ctx: TestContext;
  let workers: Awaited<ReturnType<typeof startTestWorkers>>;
  let server: Awaited<ReturnType<typeof serveApp>>;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const action = recordingAction('campaign.launch');

  /** A launch over the 10,000 audience guardrail: a normal-priority request on the console alone (Telegram is off). */
  async function requestLaunch(name: string): Promise<string> {
    const outcome = await propose(ctx.deps, {
      kind: 'campaign.launch',
      proposer: 'growth',
      params: { name, audienceSize: 12_000, budget: 100 },
      traceId: `trace-${name}`,
      summary: `Launch ${name} to 12000 users`,
    });
    assert.ok(outcome.outcome === 'approval_requested', JSON.stringify(outcome));
    assert.equal(outcome.request.priority, 'normal');
    assert.deepEqual(outcome.request.requiredChannels, ['console']);
    return outcome.request.id;
  }

  const decisionsOf = (id: string) => ctx.deps.db.selectFrom('approval_decisions').selectAll().where('request_id', '=', id).execute();
  const statusOf = async (id: string) =>
    (await ctx.deps.db.selectFrom('approval_requests').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;

  /** A fresh browser context logged in through the /login form, on the pending page. */
  async function logIn(token: string): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
    const context = await browser.newContext({ baseURL: server.url });
    contexts.push(context);
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await page.goto('/dashboard/approvals');
    assert.equal(new URL(page.url()).pathname, '/login', 'sent to the login form first');
    await page.getByLabel('Token').fill(token);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL((url) => url.pathname === '/dashboard/approvals');
    return { context, page, errors };
  }

  /** The hidden fields of the approve form on a detail page. */
  async function formFields(page: Page) {
    const form = page.locator('form[action$="/decision"]').first();
    return {
      csrf: await form.locator('input[name=csrf]').inputValue(),
      payloadHash: await form.locator('input[name=payloadHash]').inputValue(),
    };
  }

  before(async () => {
    ctx = await createTestContext({ extraActions: [action.handler] });
    assert.equal(ctx.deps.config.telegram.enabled, false);
    workers = await startTestWorkers(ctx);
    server = await serveApp(ctx.deps);
    browser = await launchBrowser();
  });
  after(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await server?.close();
    await workers?.stop();
    await ctx?.cleanup();
  });

  it('logs an approver in, shows the request pending, approves it with a reason and finds it in history', async () => {
    const id = await requestLaunch('spring');
    const { page, errors } = await logIn(TOKENS.approver);

    const row = page.locator(`tr[data-id="${id}"]`);
    await row.waitFor();
    const rowText = await row.innerText();
    assert.match(rowText, /\d+h \d+m left/);
    assert.match(rowText, /normal/);
    assert.match(rowText, /campaign\.launch/);
    assert.match(rowText, /Launch spring to 12000 users/);
    assert.match(rowText, /growth/);
    assert.match(rowText, /console:\s*waiting/);
    await screenshot(page, 'dashboard-pending');

    await row.getByRole('link', { name: 'Launch spring to 12000 users' }).click();
    await page.waitForURL((url) => url.pathname === `/dashboard/approvals/${id}`);
    assert.match(await page.getByTestId('approval-card').innerText(), /Audience\s+12,?000 users/);
    assert.match(await page.locator('main').innerText(), /trace-spring/);
    assert.equal(await page.getByTestId('status').locator('.badge').innerText(), 'pending');
    await screenshot(page, 'dashboard-detail-pending');

    await page.getByLabel('Reason for approval (optional)').fill('Within the spring budget');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL((url) => url.searchParams.get('result') === 'decided');
    assert.equal(await page.getByRole('status').innerText(), 'Approved — the request is approved');
    assert.equal(await page.getByTestId('status').locator('.badge').innerText(), 'approved');
    assert.match(await page.locator('table').innerText(), /console\s+alice\s+approve\s+Within the spring budget/);
    assert.equal(await page.getByRole('button', { name: 'Approve' }).count(), 0, 'no form once decided');
    await screenshot(page, 'dashboard-detail-approved');
    await waitFor(() => action.applied.find((a) => a.approvalId === id), { what: 'the approved launch to be applied' });

    await page.getByRole('link', { name: 'History' }).click();
    await page.getByLabel('Status').selectOption('approved');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL((url) => url.searchParams.get('status') === 'approved');
    const historyRow = page.locator(`tr[data-id="${id}"]`);
    await historyRow.waitFor();
    assert.match(await historyRow.innerText(), /approved on console by alice/);
    await screenshot(page, 'dashboard-history-approved');

    await page.getByLabel('Status').selectOption('rejected');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL((url) => url.searchParams.get('status') === 'rejected');
    assert.equal(await page.locator(`tr[data-id="${id}"]`).count(), 0, 'filtered out under rejected');
    assert.deepEqual(errors, []);
  });

  it('shows a viewer no decision form, and answers a viewer posting a decision with 403', async () => {
    const id = await requestLaunch('viewer-look');
    const { context, page, errors } = await logIn(TOKENS.viewer);
    await page.goto(`/dashboard/approvals/${id}`);
    assert.match(await page.getByTestId('approval-card').innerText(), /Audience/);
    assert.equal(await page.locator('form[action$="/decision"]').count(), 0);
    assert.equal(await page.getByText('Deciding needs the approver role.').count(), 1);
    await screenshot(page, 'dashboard-detail-viewer');
    const { payload_hash: payloadHash } = await ctx.deps.db.selectFrom('approval_requests').select('payload_hash').where('id', '=', id).executeTakeFirstOrThrow();
    const response = await context.request.post(`/dashboard/approvals/${id}/decision`, { form: { decision: 'approve', reason: 'me too', payloadHash }, maxRedirects: 0 });
    assert.equal(response.status(), 403);
    assert.match(await response.text(), /lacks the role approver/);
    assert.equal((await decisionsOf(id)).length, 0);
    assert.deepEqual(errors, []);
  });

  it('refuses a forged decision without the CSRF token (403) and writes nothing; the token from the page works', async () => {
    const id = await requestLaunch('forged');
    const { context, page, errors } = await logIn(TOKENS.approver);
    await page.goto(`/dashboard/approvals/${id}`);
    const { csrf, payloadHash } = await formFields(page);
    assert.ok(csrf.length > 20);
    const post = (form: Record<string, string>, path = `/dashboard/approvals/${id}/decision`) => context.request.post(path, { form, maxRedirects: 0 });

    const noToken = await post({ decision: 'approve', reason: 'forged', payloadHash });
    assert.equal(noToken.status(), 403);
    assert.match(await noToken.text(), /Reload the page/);
    assert.equal((await post({ decision: 'approve', reason: 'forged', payloadHash, csrf: `${csrf.slice(0, -2)}xx` })).status(), 403);
    assert.equal((await decisionsOf(id)).length, 0, 'nothing written');
    assert.equal(await statusOf(id), 'pending');

    const bad = [
      { decision: 'maybe', reason: 'x', payloadHash, csrf },
      { decision: 'reject', reason: '   ', payloadHash, csrf },
      { decision: 'approve', reason: 'x', payloadHash: 'abc', csrf },
      { decision: 'approve', reason: 'x'.repeat(1001), payloadHash, csrf },
    ];
    for (const form of bad) assert.equal((await post(form)).status(), 400, JSON.stringify(form).slice(0, 80));
    assert.equal((await post({ decision: 'approve', reason: 'x', payloadHash, csrf }, '/dashboard/approvals/not-a-uuid/decision')).status(), 400);
    assert.equal((await post({ decision: 'approve', reason: 'x', payloadHash, csrf }, `/dashboard/approvals/${randomUUID()}/decision`)).status(), 404);
    assert.equal((await decisionsOf(id)).length, 0, 'nothing written by bad input');

    const rejected = await post({ decision: 'reject', reason: 'too big', payloadHash, csrf });
    assert.equal(rejected.status(), 303);
    assert.equal(rejected.headers().location, `/dashboard/approvals/${id}?result=decided&decision=reject`);
    assert.equal(await statusOf(id), 'rejected');
    const again = await post({ decision: 'approve', reason: 'late', payloadHash, csrf });
    assert.equal(again.headers().location, `/dashboard/approvals/${id}?result=already_decided&decision=approve`);
    await page.goto(again.headers().location!);
    assert.equal(await page.getByRole('status').innerText(), 'Already decided — nothing changed');
    assert.equal((await decisionsOf(id)).length, 1);
    assert.deepEqual(errors, []);
  });

  it('shows a refusal on the page when the payload changed since it was shown', async () => {
    const id = await requestLaunch('stale');
    const { context, page, errors } = await logIn(TOKENS.approver);
    await page.goto(`/dashboard/approvals/${id}`);
    const { csrf } = await formFields(page);
    const response = await context.request.post(`/dashboard/approvals/${id}/decision`, { form: { decision: 'approve', reason: '', payloadHash: 'f'.repeat(64), csrf }, maxRedirects: 0 });
    assert.equal(response.status(), 303);
    await page.goto(response.headers().location!);
    assert.match(await page.getByRole('status').innerText(), /^Refused: the request changed since you viewed it/);
    assert.equal(await statusOf(id), 'pending');
    assert.deepEqual(errors, []);
  });

  it('sends anonymous visitors to /login, serves bearer callers, and rejects bad filters with 400', async () => {
    const anonymous = await fetch(`${server.url}/dashboard/approvals/history`, { redirect: 'manual' });
    assert.equal(anonymous.status, 303);
    assert.equal(anonymous.headers.get('location'), '/login?next=%2Fdashboard%2Fapprovals%2Fhistory');
    const root = await fetch(`${server.url}/`, { redirect: 'manual' });
    assert.equal(root.headers.get('location'), '/dashboard/approvals');
    const withBearer = await fetch(`${server.url}/dashboard/approvals`, { headers: bearer(TOKENS.viewer) });
    assert.equal(withBearer.status, 200);
    assert.match(await withBearer.text(), /Pending approvals/);
    for (const query of ['status=bogus', 'from=2025-02-30', 'to=yesterday', 'offset=-1']) {
      const res = await fetch(`${server.url}/dashboard/approvals/history?${query}`, { headers: bearer(TOKENS.viewer) });
      assert.equal(res.status, 400, query);
      assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    }
    const id = randomUUID();
    const cameBack = await fetch(`${server.url}/dashboard/approvals/${id}/decision`, { headers: bearer(TOKENS.viewer), redirect: 'manual' });
    assert.equal(cameBack.headers.get('location'), `/dashboard/approvals/${id}`, 'a GET of the form target (after a re-login) goes to the page');
    const detail = await fetch(`${server.url}/dashboard/approvals/not-a-uuid`, { headers: bearer(TOKENS.viewer) });
    assert.equal(detail.status, 400);
    const filtered = await fetch(`${server.url}/dashboard/approvals/history?status=&kind=campaign.launch&from=2000-01-01&to=2999-12-31&actor=alice`, { headers: bearer(TOKENS.viewer) });
    assert.equal(filtered.status, 200);
  });

  it('pages the pending list, keeping every request on exactly one page', async () => {
    for (let i = 0; i < 26; i++) await requestLaunch(`bulk-${i}`);
    const pending = await ctx.deps.db.selectFrom('approval_requests').select('id').where('status', '=', 'pending').execute();
    const rowsOf = (html: string) => [...html.matchAll(/<tr data-id="([0-9a-f-]{36})"/g)].map((m) => m[1]);
    const first = await (await fetch(`${server.url}/dashboard/approvals`, { headers: bearer(TOKENS.viewer) })).text();
    assert.equal(rowsOf(first).length, 25);
    const older = /<a href="([^"]+)" rel="next">/.exec(first)?.[1];
    assert.equal(older, '/dashboard/approvals?offset=25');
    const second = await (await fetch(`${server.url}${older}`, { headers: bearer(TOKENS.viewer) })).text();
    assert.match(second, /rel="prev"/);
    assert.deepEqual([...rowsOf(first), ...rowsOf(second)].sort(), pending.map((p) => p.id).sort());
  });

  it('words the flash after a decision from known keys only, and the time left', () => {
    const request = { status: 'pending', channels: { console: 'approved', telegram: 'waiting' } } as unknown as ApprovalView;
    assert.deepEqual(flashMessage({ result: 'recorded', decision: 'approve' }, request), { text: 'Approved — waiting for Telegram', ok: true });
    assert.equal(flashMessage({ result: 'refused', refusal: 'own_request' }, request)?.text, 'Refused: you cannot approve your own request');
    assert.equal(flashMessage({ result: 'refused', refusal: 'toString' }, request)?.text, 'Refused: the decision was not accepted');
    assert.equal(flashMessage({ result: '<script>' }, request), null);
    const now = new Date('2025-01-01T00:00:00Z');
    assert.equal(timeLeft('2025-01-01T00:14:30Z', now), '14m left');
    assert.equal(timeLeft('2025-01-01T03:20:00Z', now), '3h 20m left');
    assert.equal(timeLeft('2025-01-03T04:00:00Z', now), '2d 4h left');
    assert.equal(timeLeft('2024-12-31T23:59:00Z', now), 'expired');
  });
});
