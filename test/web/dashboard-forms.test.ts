import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { getCampaign } from '../../src/campaigns/store.js';
import { collectPageErrors, launchBrowser, screenshot } from '../support/browser.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { seedUsers } from '../support/seed-users.js';
import { serveApp } from '../support/server.js';
import { TestDownstream } from '../support/test-downstream.js';
import { TOKENS } from '../support/tokens.js';
import { waitFor } from '../support/wait-for.js';
import { startTestWorkers } from '../support/workers.js';

const SECRET = 'downstream-secret-0123456789';

describe('creating and launching from the dashboard in headless Chromium', { timeout: 300_000 }, () => {
  let ctx: TestContext;
  let workers: Awaited<ReturnType<typeof startTestWorkers>>;
  let server: Awaited<ReturnType<typeof serveApp>>;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const downstream = new TestDownstream(SECRET);

  async function logIn(token: string): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await page.goto('/login');
    await page.getByLabel('Token').fill(token);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL((url) => url.pathname.startsWith('/dashboard'));
    return { page, errors };
  }

  before(async () => {
    await downstream.start();
    ctx = await createTestContext({ config: { ops: { enabled: false } } });
    await seedUsers(ctx.deps.db, 120);
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
    await downstream.stop();
  });

  it('creates a campaign from the form after correcting a validation error, launches it through an approval, and finds it all in the trace view', async () => {
    const { page, errors } = await logIn(TOKENS.operator);
    await page.goto('/dashboard/campaigns');
    await page.getByTestId('empty-campaigns').getByRole('link', { name: 'Create the first campaign' }).click();
    await page.waitForURL((url) => url.pathname === '/dashboard/campaigns/new');

    await page.getByLabel('Name').fill('Spring points');
    await page.getByLabel('Plans').fill('pro');
    await waitFor(async () => /60 users match/.test(await page.getByTestId('audience-count').innerText()), { what: 'the live audience count' });
    await page.getByLabel('Template').fill('Hi {{user.name}}, {{reward.amount}} points for {{tenant.nam}}');
    await waitFor(async () => (await page.getByTestId('unknown-variables').count()) === 1, { what: 'the unknown variable flagged in the preview' });
    assert.match(await page.getByTestId('template-preview').innerText(), /Hi User u0000\d/);
    assert.match(await page.getByTestId('unknown-variables').innerText(), /\{\{tenant\.nam\}\}/);
    await page.getByLabel('Template').fill('Hi {{user.name}}, {{reward.amount}} points for {{tenant.name}}');
    await waitFor(async () => (await page.getByTestId('unknown-variables').count()) === 0, { what: 'the preview without unknown variables' });
    assert.match(await page.getByTestId('template-preview').innerText(), /Hi User u\d+, 0 points for Tenant \d/);
    await page.getByLabel('Mechanism').selectOption('points');
    await page.getByLabel('Amount per recipient').fill('25');
    await page.getByLabel('Delivery URL').fill(downstream.url);
    await page.getByLabel('Headers').fill('X-Team: growth');
    await page.getByLabel('Signing secret').fill('too-short');
    await screenshot(page, 'form-new-campaign-1280');
    await page.getByRole('button', { name: 'Create draft' }).click();

    await page.waitForLoadState('networkidle');
    assert.equal(new URL(page.url()).pathname, '/dashboard/campaigns/new', 'stays on the form');
    const secretError = page.locator('[data-error-for="channel.secret"]');
    assert.match(await secretError.innerText(), /at least 16 characters/);
    assert.equal(await page.getByLabel('Name').inputValue(), 'Spring points', 'what was typed is kept');
    assert.equal(await page.getByLabel('Signing secret').inputValue(), '', 'the secret is never sent back');
    await screenshot(page, 'form-new-campaign-error');
    await page.getByLabel('Signing secret').fill(SECRET);
    await page.getByRole('button', { name: 'Create draft' }).click();
    await page.waitForURL((url) => /^\/dashboard\/campaigns\/[0-9a-f-]{36}$/.test(url.pathname));
    const id = new URL(page.url()).pathname.split('/').pop()!;
    const draft = (await getCampaign(ctx.deps.db, id))!;
    assert.equal(draft.status, 'draft');
    assert.equal(draft.audience_size, 60);
    assert.equal(draft.channel_secret, SECRET);
    assert.deepEqual(draft.channel.headers, { 'X-Team': 'growth' });
    assert.doesNotMatch(await page.content(), new RegExp(SECRET), 'the secret is not shown');
    assert.match(await page.getByTestId('plan').innerText(), /60 recipients at [\d.]+\/s/);
    await screenshot(page, 'campaign-draft-plan');

    // 60 × 25 points = 1,500 is over the 1,000 budget guardrail: the policy asks for an approval.
    await page.locator('button[data-action="launch"]').click();
    await page.waitForLoadState('networkidle');
    assert.equal(await page.getByTestId('campaign-status').innerText(), 'pending_approval');
    const approvalId = (await getCampaign(ctx.deps.db, id))!.approval_id!;
    assert.ok(approvalId);

    const approver = await logIn(TOKENS.approver);
    await approver.page.goto(`/dashboard/approvals/${approvalId}`);
    await approver.page.getByLabel('Reason for approval (optional)').fill('Spring budget');
    await approver.page.getByRole('button', { name: 'Approve' }).click();
    await approver.page.waitForURL((url) => url.searchParams.get('result') === 'decided');
    await waitFor(async () => (await getCampaign(ctx.deps.db, id))?.status === 'completed', { what: 'the campaign to complete', timeoutMs: 60_000 });
    assert.equal(downstream.seen.size, 60);

    await page.goto(`/dashboard/campaigns/${id}`);
    await page.getByTestId('trace-link').click();
    await page.waitForURL((url) => url.pathname.startsWith('/dashboard/traces/'));
    const timeline = page.getByTestId('timeline');
    const text = await timeline.innerText();
    assert.match(text, /campaign\.created/);
    assert.match(text, /approval request: campaign\.launch/);
    assert.match(text, /approved on console/);
    assert.match(text, /alice/);
    assert.match(text, /approvals job/, 'the apply job run');
    assert.match(text, /deliveries batch 0/);
    assert.match(text, /campaign\.started/);
    assert.ok((await timeline.locator('a', { hasText: 'Bull Board' }).count()) >= 2, 'jobs link to Bull Board');
    await screenshot(page, 'trace-view');
    assert.deepEqual(errors, []);
    assert.deepEqual(approver.errors, []);
  });

  it('creates an experiment on a draft campaign from its page, with the sample size and duration its planned effect needs', async () => {
    const { page, errors } = await logIn(TOKENS.operator);
    const created = await page.request.post('/api/v1/campaigns', {
      headers: { authorization: `Bearer ${TOKENS.operator}` },
      data: { name: 'Streak test', audience: { type: 'segment', filters: {} }, template: 'Hi {{user.name}}', channel: { url: downstream.url, secret: SECRET } },
    });
    assert.equal(created.status(), 201);
    const { id } = (await created.json()) as { id: string };
    await page.goto(`/dashboard/campaigns/${id}`);
    await page.getByRole('link', { name: 'New experiment' }).click();
    await page.waitForURL((url) => url.pathname === `/dashboard/campaigns/${id}/experiment/new`);
    await page.getByLabel('Goal event').fill('purchase');
    await page.getByLabel('Attribution window (hours)').fill('48');
    const control = page.locator('fieldset', { hasText: 'Control arm' });
    await control.getByLabel('Mechanism').selectOption('points');
    await control.getByLabel('Amount').fill('1');
    const variant = page.locator('fieldset', { hasText: 'Variant 1' });
    await variant.getByLabel('Arm name').fill('streak bonus');
    await variant.getByLabel('Mechanism').selectOption('streak');
    await variant.getByLabel('Amount').fill('2');
    await page.getByLabel('Baseline conversion rate').fill('0.1');
    await page.getByLabel('Smallest effect worth detecting').fill('0.05');
    await waitFor(async () => /Needs [\d,]+ recipients per arm/.test(await page.getByTestId('experiment-needs').innerText()), { what: 'the sample size' });
    const needs = await page.getByTestId('experiment-needs').innerText();
    assert.match(needs, /Needs 686 recipients per arm, 1,372 in all/);
    assert.match(needs, /about \d+ (h|d)/);
    assert.equal(await page.getByTestId('audience-too-small').count(), 1, '120 users are too few for this effect');
    await screenshot(page, 'form-new-experiment-1280');
    await page.getByRole('button', { name: 'Create experiment' }).click();
    await page.waitForLoadState('networkidle');
    assert.match(await page.locator('[data-error-for="variants.0.name"]').innerText(), /letters, digits/);
    await page.locator('fieldset', { hasText: 'Variant 1' }).getByLabel('Arm name').fill('streak');
    await page.getByRole('button', { name: 'Create experiment' }).click();
    await page.waitForURL((url) => url.pathname === `/dashboard/campaigns/${id}`);
    assert.match(await page.locator('main').innerText(), /Experiment campaign-[0-9a-f-]+ with 2 arms/);
    const row = await ctx.deps.db.selectFrom('experiments').selectAll().where('campaign_id', '=', id).executeTakeFirstOrThrow();
    assert.equal(row.goal_event, 'purchase');
    assert.equal(row.attribution_window_sec, 48 * 3600);
    assert.equal(row.min_sample_per_arm, 686);
    assert.deepEqual(row.arms.map((a) => [a.name, a.mechanism, a.amount]), [['control', 'points', 1], ['streak', 'streak', 2]]);
    assert.deepEqual(errors, []);
  });

  it('shows every dashboard page at 1280 and 390 px wide without console errors, and screenshots each', async () => {
    const campaign = await ctx.deps.db.selectFrom('campaigns').select(['id', 'trace_id', 'approval_id']).where('name', '=', 'Spring points').executeTakeFirstOrThrow();
    const pages: [string, string][] = [
      ['overview', '/dashboard/overview'],
      ['campaigns', '/dashboard/campaigns'],
      ['campaign-new', '/dashboard/campaigns/new'],
      ['campaign', `/dashboard/campaigns/${campaign.id}`],
      ['campaign-24h', `/dashboard/campaigns/${campaign.id}?range=24h`],
      ['trace', `/dashboard/traces/${campaign.trace_id}`],
      ['runs', '/dashboard/runs'],
      ['audit', '/dashboard/audit'],
      ['audit-filtered', '/dashboard/audit?action=campaign.'],
      ['ops', '/dashboard/ops'],
      ['growth', '/dashboard/growth'],
      ['beta', '/dashboard/beta'],
      ['impact', '/dashboard/impact'],
      ['impact-7d', '/dashboard/impact?period=7d'],
      ['approvals', '/dashboard/approvals'],
      ['approval', `/dashboard/approvals/${campaign.approval_id}`],
      ['queues', '/admin/queues'],
    ];
    for (const width of [1280, 390]) {
      const context = await browser.newContext({ baseURL: server.url, viewport: { width, height: 900 } });
      contexts.push(context);
      const page = await context.newPage();
      const errors = collectPageErrors(page);
      await page.goto('/login');
      await page.getByLabel('Token').fill(TOKENS.admin);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.waitForURL((url) => url.pathname.startsWith('/dashboard'));
      for (const [name, path] of pages) {
        const response = await page.goto(path);
        assert.equal(response?.status(), 200, path);
        await page.waitForLoadState('networkidle');
        await screenshot(page, `page-${name}-${width}`);
      }
      if (width === 1280) {
        await page.goto('/dashboard/impact');
        assert.match(await page.getByTestId('impact-approvals').innerText(), /console\s+normal\s+1/, 'the launch decision, by channel and priority');
        assert.match(await page.getByTestId('impact-campaigns').innerText(), /Spring points\s+60/);
        assert.match(await page.getByTestId('impact-campaigns').innerText(), /How: goodput is/);
      }
      assert.deepEqual(errors, [], `console errors at ${width} px`);
    }
  });
});
