import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { fileExternal } from '../../src/approvals/external.js';
import { propose } from '../../src/approvals/propose.js';
import { approvalDetail } from '../../src/approvals/read.js';
import { requestLaunch } from '../../src/campaigns/control.js';
import { createCampaign } from '../../src/campaigns/create.js';
import { campaignInputSchema } from '../../src/campaigns/input.js';
import { requestText } from '../../src/telegram/messages.js';
import { collectPageErrors, launchBrowser, skipWithoutChromium } from '../support/browser.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { seedUsers } from '../support/seed-users.js';
import { serveApp } from '../support/server.js';
import { TOKENS } from '../support/tokens.js';

/** What growth files for a reward change (src/growth/run-analysis.ts), with the unrounded floats the statistics produce. */
const REWARD_CHANGE = {
  experimentId: '00000000-0000-4000-8000-000000000001',
  experimentKey: 'welcome-bonus',
  campaignId: null,
  analysisId: 'analysis-1',
  arm: 'B',
  mechanism: 'points',
  from: 10,
  to: 12,
  percentChange: 20,
  budgetDelta: 240.5,
  evidence: { effect: 0.012345678912345, interval: [0.0031234567891, 0.021987654321], probability: 0.873456789123, pValue: 0.0123456789, cost: 2.3456789123 },
  reason: 'B converts better than control at an acceptable cost',
};

describe('approval cards on the dashboard (headless Chromium) and in Telegram', { skip: skipWithoutChromium() }, () => {
  let ctx: TestContext;
  let server: Awaited<ReturnType<typeof serveApp>>;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  const ids: { launch: string; reward: string; external: string } = { launch: '', reward: '', external: '' };

  before(async () => {
    ctx = await createTestContext();
    await seedUsers(ctx.deps.db, 12_000);
    const input = campaignInputSchema.parse({
      name: 'Winter welcome',
      audience: { type: 'segment', filters: {} },
      template: 'Hi {{user.name}}, earn {{reward.amount}} {{reward.mechanism}} with {{campaign.name}}!',
      reward: { mechanism: 'points', amount: 2 },
      channel: { url: 'http://127.0.0.1:9/x', secret: 'downstream-secret-0123456789' },
    });
    const campaign = await createCampaign(ctx.deps, input, 'olivia', 'trace-card-launch');
    const launch = await requestLaunch(ctx.deps, campaign.id, { proposer: 'operator', requester: 'olivia' }, 'trace-card-launch');
    assert.equal(launch.outcome, 'approval_requested');
    if (launch.outcome === 'approval_requested') ids.launch = launch.request.id;
    const reward = await propose(ctx.deps, {
      kind: 'reward.adjust',
      proposer: 'growth',
      params: REWARD_CHANGE,
      traceId: 'trace-card-reward',
      summary: 'Raise the points reward of arm B from 10 to 12 (experiment welcome-bonus)',
    });
    assert.equal(reward.outcome, 'approval_requested');
    if (reward.outcome === 'approval_requested') ids.reward = reward.request.id;
    const external = await fileExternal(
      ctx.deps,
      {
        kind: 'meta.strategy.apply',
        title: 'Shift budget to referrals',
        summary:
          '**Why:** referrals convert *2×* better.\n\n- step one\n- [report](https://example.com/r)\n\n<script>window.pwned = 1</script> [bad](javascript:alert(1))',
        payload: { share: 0.0512345678 },
        priority: 'normal',
      },
      { tokenId: 'meta', name: 'meta-agent', person: 'meta-agent' },
      'trace-card-external',
    );
    ids.external = external.row.id;
    server = await serveApp(ctx.deps);
    browser = await launchBrowser();
    const context = await browser.newContext({ baseURL: server.url });
    page = await context.newPage();
    errors = collectPageErrors(page);
    await page.goto('/login');
    await page.getByLabel('Token').fill(TOKENS.approver);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL((url) => url.pathname === '/dashboard/approvals');
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await ctx?.cleanup();
  });

  const fact = (key: string) => page.getByTestId(`card-${key}`).innerText();

  it('the launch card shows audience, reward, budget, the send plan in words and the message preview', async () => {
    await page.goto(`/dashboard/approvals/${ids.launch}`);
    assert.equal(await fact('audience'), '12,000 users');
    assert.equal(await fact('reward'), 'points 2 per recipient');
    assert.equal(await fact('budget'), 'up to 24,000 in rewards');
    assert.match(
      await fact('plan'),
      /^\d+ waves?, [\d.,]+\/s(, about [\d.]+ (s|min|h|days))?; capacity [\d.,]+\/s (configured, not measured|measured .+ ago)$/,
    );
    assert.equal(await fact('preview'), 'Hi ‹user.name›, earn 2 points with Winter welcome!');
    // The raw payload is one click away, pretty-printed.
    const raw = page.getByTestId('raw-payload').locator('pre');
    assert.equal(await raw.isVisible(), false);
    await page.getByText('Raw payload').click();
    assert.equal(await raw.isVisible(), true);
    assert.match(await raw.innerText(), /\n {2}"audienceSize": 12000,?\n/);
    assert.deepEqual(errors, []);
  });

  it('the reward-change card shows old → new with effect, interval, chance to win and cost, rounded', async () => {
    await page.goto(`/dashboard/approvals/${ids.reward}`);
    assert.equal(await fact('change'), 'points of arm B: 10 → 12 (+20%)');
    assert.equal(await fact('effect'), '+1.2 pts conversion vs control');
    assert.equal(await fact('interval'), '+0.3 pts to +2.2 pts (always-valid)');
    assert.equal(await fact('chance'), '87%');
    assert.equal(await fact('cost'), '2.35 per extra conversion');
    assert.equal(await fact('budget'), '+240.5');
    const card = await page.getByTestId('approval-card').locator('dl').innerText();
    assert.doesNotMatch(card, /\d\.\d{4,}/, 'no 15-digit floats for people');
    assert.deepEqual(errors, []);
  });

  it('the external card renders the Markdown summary safely', async () => {
    await page.goto(`/dashboard/approvals/${ids.external}`);
    assert.equal(await page.locator('h1').innerText(), 'Shift budget to referrals');
    const summary = page.getByTestId('card-summary');
    assert.equal(await summary.locator('strong').innerText(), 'Why:');
    assert.equal(await summary.locator('li').count(), 2);
    assert.equal(await summary.locator('a[href="https://example.com/r"]').getAttribute('rel'), 'noopener noreferrer nofollow');
    assert.equal(await summary.locator('script').count(), 0);
    assert.equal(await summary.locator('a[href^="javascript"]').count(), 0);
    assert.match(await summary.innerText(), /<script>window\.pwned = 1<\/script>/, 'raw HTML is shown as text');
    assert.equal(await page.evaluate(() => (globalThis as unknown as { pwned?: number }).pwned), undefined);
    assert.equal(await fact('field-0'), '0.051');
  });

  it('Telegram shows the same cards as text', async () => {
    const launch = requestText(await approvalDetail(ctx.deps, ids.launch));
    assert.match(launch, /\nAudience: 12,000 users\nReward: points 2 per recipient\nBudget: up to 24,000 in rewards\nSend plan: \d+ waves?, /);
    assert.match(launch, /\nMessage preview:\n│ Hi ‹user\.name›, earn 2 points with Winter welcome!\n/);
    const reward = requestText(await approvalDetail(ctx.deps, ids.reward));
    assert.match(
      reward,
      /\nReward: points of arm B: 10 → 12 \(\+20%\)\nEffect: \+1\.2 pts conversion vs control\nInterval: \+0\.3 pts to \+2\.2 pts \(always-valid\)\nChance to win: 87%\nCost: 2\.35 per extra conversion\n/,
    );
    assert.doesNotMatch(reward, /\d\.\d{4,}/);
    const external = requestText(await approvalDetail(ctx.deps, ids.external));
    assert.match(external, /Shift budget to referrals\n\*\*Why:\*\* referrals convert/);
  });
});
