import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { collectPageErrors, launchBrowser, screenshot, skipWithoutChromium } from '../support/browser.js';
import { type DemoProcess, startKeptDemo } from '../support/demo-process.js';

/** `npm run demo -- --yes --keep-running`, up to the point where it leaves the system running. */
const startDemo = () => startKeptDemo(['--yes', '--work-dir', mkdtempSync(join(tmpdir(), 'fw-walk-'))], { timeoutMs: 200_000 });

describe('the whole console dashboard in headless Chromium, on the demo data', { timeout: 400_000, skip: skipWithoutChromium() }, () => {
  let demo: DemoProcess;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  before(async () => {
    demo = await startDemo();
    browser = await launchBrowser();
    const context = await browser.newContext({ baseURL: demo.values.DASHBOARD_URL });
    page = await context.newPage();
    errors = collectPageErrors(page);
    await page.goto('/login');
    await page.getByLabel('Token').fill(demo.values.TOKEN!);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL((url) => url.pathname.startsWith('/dashboard'));
  });
  after(async () => {
    await browser?.close();
    await demo?.stop();
  });

  it('shows every page with the demo data, with no console errors, and screenshots each', async () => {
    const pages: [string, string, RegExp][] = [
      ['overview', '/dashboard/overview', /Pending approvals/],
      ['campaigns', '/dashboard/campaigns', /Welcome/i],
      ['campaign', `/dashboard/campaigns/${demo.values.LIVE_CAMPAIGN_ID}`, /Send rate/],
      ['ops', '/dashboard/ops', /Capacity/],
      ['growth', '/dashboard/growth', /Uplift vs control/],
      ['beta', '/dashboard/beta', /Invitation funnel/],
      ['approvals', '/dashboard/approvals', /Pending/],
      ['approvals-history', '/dashboard/approvals/history', /approved/],
      ['queues', '/admin/queues', /deliveries/],
    ];
    for (const [name, path, expected] of pages) {
      const response = await page.goto(path);
      assert.equal(response?.status(), 200, path);
      await page.waitForLoadState('networkidle');
      assert.match(await page.locator('body').innerText(), expected, path);
      await screenshot(page, `walk-${name}`);
    }
    assert.deepEqual(errors, []);
  });

  it('refreshes a live page in place, without a reload', async () => {
    await page.goto('/dashboard/overview');
    await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 42));
    const fragment = await page.waitForResponse((r) => r.url().endsWith('/dashboard/overview') && r.request().headers()['x-fragment'] === 'live', { timeout: 10_000 });
    assert.equal(fragment.status(), 200);
    assert.equal(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker), 42, 'the page was not reloaded');
  });

  it('pauses and resumes the running campaign, and approves the waiting request with a reason', async () => {
    await page.goto(`/dashboard/campaigns/${demo.values.LIVE_CAMPAIGN_ID}`);
    await page.locator('button[data-action="pause"]').click();
    await page.waitForLoadState('networkidle');
    assert.equal(await page.getByTestId('campaign-status').innerText(), 'paused');
    await screenshot(page, 'walk-campaign-paused');
    await page.locator('button[data-action="resume"]').click();
    await page.waitForLoadState('networkidle');
    assert.equal(await page.getByTestId('campaign-status').innerText(), 'running');

    await page.goto(`/dashboard/approvals/${demo.values.PENDING_APPROVAL_ID}`);
    await page.getByLabel('Reason for approval (optional)').fill('Approved in the walk-through');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL((url) => url.searchParams.get('result') === 'decided');
    assert.equal(await page.getByTestId('status').locator('.badge').innerText(), 'approved');
    await screenshot(page, 'walk-approval-approved');
    assert.deepEqual(errors, []);
  });
});
