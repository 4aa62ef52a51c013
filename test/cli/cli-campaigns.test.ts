import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, type TestContext } from '../support/deps.js';
import { seedUsers } from '../support/seed-users.js';
import { serveApp } from '../support/server.js';
import { TestDownstream } from '../support/test-downstream.js';
import { bearer, TOKENS } from '../support/tokens.js';
import { waitFor } from '../support/wait-for.js';
import { startTestWorkers } from '../support/workers.js';
import { cliRunner } from './run-cli.js';

const SECRET = 'downstream-secret-0123456789';

interface Campaign {
  id: string;
  name: string;
  status: string;
  statusReason: string | null;
  audienceSize: number;
  channel: { secret: string };
}
interface CampaignDetail extends Campaign {
  progress: { delivered: number; failed: number; remaining: number; total: number; ratePerSec: number; etaSec: number | null };
  limits: unknown;
}

describe('flywheel campaigns, against a running service', () => {
  let ctx: TestContext;
  let workers: Awaited<ReturnType<typeof startTestWorkers>>;
  let server: Awaited<ReturnType<typeof serveApp>>;
  const downstream = new TestDownstream(SECRET);
  const { cli, json } = cliRunner(() => server.url, TOKENS.operator);

  /** Creates a draft through the API (the CLI does not create campaigns). */
  async function createCampaign(name: string, extra: Record<string, unknown> = {}): Promise<Campaign> {
    const res = await fetch(`${server.url}/api/v1/campaigns`, {
      method: 'POST',
      headers: { ...bearer(TOKENS.operator), 'content-type': 'application/json' },
      body: JSON.stringify({
        name,
        audience: { type: 'segment', filters: {} },
        template: 'Hi {{user.name}}',
        channel: { url: downstream.url, secret: SECRET, mode: 'batch' },
        ...extra,
      }),
    });
    assert.equal(res.status, 201, await res.clone().text());
    return (await res.json()) as Campaign;
  }

  before(async () => {
    await downstream.start();
    ctx = await createTestContext({ config: { campaigns: { reconcileEverySec: 3600 } } });
    await seedUsers(ctx.deps.db, 20);
    workers = await startTestWorkers(ctx);
    server = await serveApp(ctx.deps);
  });
  after(async () => {
    await server?.close();
    await workers?.stop();
    await ctx?.cleanup();
    await downstream.stop();
  });

  it('lists campaigns newest first, filters by status, and shows one with its progress', async () => {
    const first = await createCampaign('cli-list-first');
    const second = await createCampaign('cli-list-second');
    const all = await json<{ items: Campaign[] }>(['campaigns', 'list']);
    const ids = all.items.map((c) => c.id);
    assert.ok(ids.indexOf(second.id) < ids.indexOf(first.id) && ids.indexOf(second.id) >= 0, 'newest first');
    assert.ok(all.items.every((c) => c.channel.secret === '[redacted]'));

    const drafts = await json<{ items: Campaign[] }>(['campaigns', 'list', '--status', 'draft', '--limit', '1']);
    assert.equal(drafts.items.length, 1);
    assert.equal(drafts.items[0]?.status, 'draft');
    const none = await json<{ items: Campaign[] }>(['campaigns', 'list', '--status', 'completed']);
    assert.ok(none.items.every((c) => c.status === 'completed'));

    const shown = await json<CampaignDetail>(['campaigns', 'show', first.id], TOKENS.viewer);
    assert.equal(shown.id, first.id);
    assert.equal(shown.audienceSize, 20);
    assert.deepEqual(Object.keys(shown.progress).sort(), ['delivered', 'etaSec', 'failed', 'rateOverSec', 'ratePerSec', 'remaining', 'retrying', 'total']);

    const text = await cli(['campaigns', 'list'], TOKENS.viewer);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^ID\s+STATUS\s+AUDIENCE\s+CREATED\s+NAME/);
    assert.match(text.stdout, new RegExp(`${first.id}\\s+draft\\s+20\\s+\\d+s ago\\s+cli-list-first`));
    const detail = await cli(['campaigns', 'show', first.id], TOKENS.viewer);
    assert.match(detail.stdout, /status: draft/);
    assert.match(detail.stdout, /delivered 0 \/ 0/);
  });

  it('pauses a scheduled campaign with a reason, refuses a second pause (exit 1, state unchanged), and resumes it', async () => {
    const campaign = await createCampaign('cli-pause', { startAt: new Date(Date.now() + 3_600_000).toISOString() });
    const launched = await fetch(`${server.url}/api/v1/campaigns/${campaign.id}/launch`, { method: 'POST', headers: bearer(TOKENS.operator) });
    assert.equal(((await launched.json()) as { outcome: string }).outcome, 'applied');
    // The approvals worker applies the launch: a start in an hour schedules it.
    await waitFor(async () => (await ctx.deps.db.selectFrom('campaigns').select('status').where('id', '=', campaign.id).executeTakeFirstOrThrow()).status === 'scheduled', { what: 'the launch to schedule the campaign' });

    const paused = await json<{ paused: boolean; campaign: Campaign }>(['campaigns', 'pause', campaign.id, '--reason', 'downstream maintenance']);
    assert.equal(paused.paused, true);
    assert.equal(paused.campaign.status, 'paused');
    assert.equal(paused.campaign.statusReason, 'downstream maintenance');

    const again = await cli(['campaigns', 'pause', campaign.id, '--json']);
    assert.equal(again.code, 1, 'a pause that changes nothing is a failure');
    assert.equal((JSON.parse(again.stdout) as { paused: boolean }).paused, false);
    const row = await ctx.deps.db.selectFrom('campaigns').select(['status', 'status_reason']).where('id', '=', campaign.id).executeTakeFirstOrThrow();
    assert.deepEqual(row, { status: 'paused', status_reason: 'downstream maintenance' });

    const resumed = await cli(['campaigns', 'resume', campaign.id]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stdout, new RegExp(`${campaign.id}: resumed; now running`));
    const audit = await ctx.deps.db.selectFrom('audit_log').select(['action', 'actor']).where('subject_id', '=', campaign.id).orderBy('id').execute();
    const byCli = audit.filter((a) => a.action === 'campaign.paused' || a.action === 'campaign.resumed');
    assert.deepEqual(byCli, [{ action: 'campaign.paused', actor: 'olivia' }, { action: 'campaign.resumed', actor: 'olivia' }], 'audited once each, as the token\'s owner');
  });

  it('resuming after an automatic pause asks for approval instead of resuming', async () => {
    const campaign = await createCampaign('cli-auto-paused', { startAt: new Date(Date.now() + 3_600_000).toISOString() });
    await fetch(`${server.url}/api/v1/campaigns/${campaign.id}/launch`, { method: 'POST', headers: bearer(TOKENS.operator) });
    await json(['campaigns', 'pause', campaign.id]);
    // The Ops agent's pauses carry this reason (src/ops/control-loop.ts); here it is set directly.
    await ctx.deps.db.updateTable('campaigns').set({ status_reason: 'auto-pause: p95 latency 2400 ms > 2000 ms' }).where('id', '=', campaign.id).execute();

    const outcome = await json<{ outcome: string; request: { id: string; kind: string }; campaign: Campaign }>(['campaigns', 'resume', campaign.id]);
    assert.equal(outcome.outcome, 'approval_requested');
    assert.equal(outcome.request.kind, 'campaign.resume');
    assert.equal(outcome.campaign.status, 'paused');
    const approvals = await json<{ items: { id: string }[] }>(['approvals', 'list', '--kind', 'campaign.resume'], TOKENS.approver);
    assert.ok(approvals.items.some((a) => a.id === outcome.request.id));
  });

  it('cancels a draft, and a viewer may read but not act (403, exit 1, JSON error on stdout)', async () => {
    const campaign = await createCampaign('cli-cancel');
    const refused = await cli(['campaigns', 'cancel', campaign.id, '--json'], TOKENS.viewer);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /403 forbidden/);
    assert.equal((JSON.parse(refused.stdout) as { error: { code: string } }).error.code, 'forbidden');

    const cancelled = await json<{ cancelled: boolean; campaign: Campaign }>(['campaigns', 'cancel', campaign.id]);
    assert.equal(cancelled.cancelled, true);
    assert.equal(cancelled.campaign.status, 'cancelled');
    const resumeCancelled = await cli(['campaigns', 'resume', campaign.id]);
    assert.equal(resumeCancelled.code, 1);
    assert.match(resumeCancelled.stdout, /not resumed: campaign is cancelled/);
  });

  it('says what is wrong with a bad or unknown id, and with a missing one', async () => {
    const unknown = await cli(['campaigns', 'show', '00000000-0000-4000-8000-000000000000', '--json']);
    assert.equal(unknown.code, 1);
    assert.equal((JSON.parse(unknown.stdout) as { error: { code: string } }).error.code, 'not_found');
    const malformed = await cli(['campaigns', 'pause', 'not-a-uuid']);
    assert.equal(malformed.code, 1);
    assert.match(malformed.stderr, /^flywheel: 400 /);
    const missing = await cli(['campaigns', 'show']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /missing campaign id/);
  });
});
