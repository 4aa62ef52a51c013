import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { createApp } from '../../src/api/app.js';
import { manualClock } from '../../src/clock.js';
import { mulberry32 } from '../../src/growth/mulberry32.js';
import { runGrowthAnalysis } from '../../src/growth/run-analysis.js';
import { collectPageErrors, launchBrowser, screenshot, skipWithoutChromium } from '../support/browser.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { GENEROUS_LAUNCH_BUDGET } from '../support/policy.js';
import { seedUsers } from '../support/seed-users.js';
import { serveApp } from '../support/server.js';
import { insertEvents, markDeliveredAt, simulateConversions } from '../support/synthetic-events.js';
import { bearer, TOKENS } from '../support/tokens.js';
import { materialised } from '../support/materialised.js';

const DAY = 86_400_000;

describe('the experiment page in headless Chromium', { skip: skipWithoutChromium() }, () => {
  const clock = manualClock('2026-03-02T08:00:00Z');
  let ctx: TestContext;
  let server: Awaited<ReturnType<typeof serveApp>>;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let experimentId: string;

  before(async () => {
    ctx = await createTestContext({ clock, config: { ...GENEROUS_LAUNCH_BUDGET, campaigns: { reconcileEverySec: 3600 } } });
    const app = createApp(ctx.deps);
    const call = (method: string, path: string, body?: unknown) =>
      app.request(path, body === undefined ? { method, headers: bearer(TOKENS.operator) } : { method, headers: { ...bearer(TOKENS.operator), 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const users = await seedUsers(ctx.deps.db, 3000, 10, 'gp');
    const created = await call('POST', '/api/v1/campaigns', {
      name: 'Streak trial',
      audience: { type: 'list', userIds: users },
      template: 'Hi {{user.name}}',
      channel: { url: 'http://127.0.0.1:9/none', secret: 'downstream-secret-0123456789', mode: 'batch', maxBatch: 1000 },
    });
    const campaign = (await created.json()) as { id: string };
    const experiment = await call('POST', `/api/v1/campaigns/${campaign.id}/experiment`, {
      key: 'streak-trial',
      goalEvent: 'purchase',
      attributionWindowSec: 7 * 86_400,
      control: { name: 'control', mechanism: 'points', amount: 10, weight: 1 },
      variants: [{ name: 'streak', mechanism: 'streak', amount: 10, weight: 1 }],
      minSamplePerArm: 1000,
    });
    assert.equal(experiment.status, 201, await experiment.clone().text());
    experimentId = ((await experiment.json()) as { id: string }).id;
    assert.equal(((await (await call('POST', `/api/v1/campaigns/${campaign.id}/launch`)).json()) as { outcome: string }).outcome, 'applied');
    await materialised(ctx.deps, campaign.id);

    // Some users were already active the week before: CUPED's pre-exposure covariate.
    const rng = mulberry32(42);
    const tenantOf = new Map((await ctx.deps.db.selectFrom('users').select(['id', 'tenant_id']).execute()).map((u) => [u.id, u.tenant_id]));
    await insertEvents(
      ctx.deps.db,
      users.filter(() => rng() < 0.2).map((u) => ({ id: `pre:${u}`, tenantId: tenantOf.get(u)!, userId: u, type: 'purchase', occurredAt: new Date(clock.now().getTime() - 2 * DAY), properties: { revenue: 20 } })),
    );
    // One cohort delivered a day; conversions within hours; an analysis each day.
    for (let day = 0; day < 3; day += 1) {
      const deliveredAt = clock.now();
      await markDeliveredAt(ctx.deps.db, campaign.id, [day], deliveredAt);
      await simulateConversions(ctx.deps.db, { campaignId: campaign.id, rates: { control: 0.08, streak: 0.16 }, rng, goal: 'purchase', revenue: 20, spreadMs: 3_600_000, from: deliveredAt, to: new Date(deliveredAt.getTime() + 1), idPrefix: `gp-${day}` });
      clock.advance(DAY);
      await runGrowthAnalysis(ctx.deps, `daily-${day}`);
    }
    server = await serveApp(ctx.deps);
    browser = await launchBrowser();
    page = await (await browser.newContext({ baseURL: server.url })).newPage();
    errors = collectPageErrors(page);
    await page.goto('/login');
    await page.getByLabel('Token').fill(TOKENS.viewer);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL((url) => url.pathname.startsWith('/dashboard'));
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await ctx?.cleanup();
  });

  it('shows labelled absolute and relative lifts, every metric with its interval plot, sample progress, the result over time and the proposal with its approval state', async () => {
    await page.goto('/dashboard/growth');
    const card = page.locator(`section[data-experiment="${experimentId}"]`);
    await card.waitFor();
    const text = await card.innerText();
    assert.match(text, /absolute lift \(pp\)/);
    assert.match(text, /relative lift \(%\)/);
    assert.match(text, /\+\d+\.\d\d pp \[/, 'the absolute lift is in percentage points with its interval');
    assert.match(text, /\+\d+\.\d% \[/, 'the relative lift is a percentage with its interval');
    for (const metric of ['conversion', 'revenue']) {
      const block = card.locator(`[data-metric="${metric}"]`);
      assert.equal(await block.locator('svg[aria-label^="Uplift vs control"]').count(), 2, `${metric}: absolute and relative interval plots`);
      assert.match(await block.locator('[data-testid="adjusted"]').first().innerText(), /\[/, `${metric}: a CUPED-adjusted interval`);
    }
    assert.match(await card.locator('[data-testid="sample-progress"]').innerText(), /2,000 \/ 2,000|[\d,]+ \/ 2,000/);
    const progress = card.locator('[data-testid="sample-progress"] [role="progressbar"]');
    assert.equal(await progress.getAttribute('aria-valuemax'), '2000');
    const overTime = card.locator('[data-testid="lift-over-time"]');
    assert.equal(await overTime.locator('g[data-series="streak"] circle').count(), 3, 'one point per day');
    const proposal = card.locator('[data-testid="proposal"]').first();
    assert.match(await proposal.innerText(), /reward\.adjust/);
    const state = proposal.locator('[data-testid="proposal-state"]');
    assert.equal(await state.innerText(), 'pending');
    await screenshot(page, 'growth-experiment');
    await state.click();
    await page.waitForURL((url) => url.pathname.startsWith('/dashboard/approvals/'));
    assert.match(await page.locator('body').innerText(), /streak/);
    assert.deepEqual(errors, []);
  });
});
