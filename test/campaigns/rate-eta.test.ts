import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../src/api/app.js';
import { manualClock } from '../../src/clock.js';
import { campaignProgress, campaignsProgress } from '../../src/campaigns/progress.js';
import { rateAndEta, rateWindow, type RateSubject } from '../../src/campaigns/rate-eta.js';
import { getCampaign } from '../../src/campaigns/store.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { seedUsers } from '../support/seed-users.js';
import { campaignRow } from '../support/campaign-row.js';
import { bearer, TOKENS } from '../support/tokens.js';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, 0) + s * 1000);
const running = (launchedAtSec: number, runningSinceSec = launchedAtSec): RateSubject => ({ status: 'running', launchedAt: at(launchedAtSec), runningSince: at(runningSinceSec), finishedAt: null });

describe('campaign send rate and ETA over the time actually elapsed', () => {
  it('measures a campaign 34 s old over 34 s, not over a whole minute', () => {
    const c = running(0);
    const window = rateWindow(c, at(34));
    assert.deepEqual(window, { from: at(0), to: at(34) });
    const { ratePerSec, etaSec, rateOverSec } = rateAndEta(c, window, 476, 2464);
    assert.equal(ratePerSec, 14);
    assert.equal(etaSec, 176);
    assert.equal(rateOverSec, 34);
  });

  it('measures an older campaign over the last minute only', () => {
    const c = running(0);
    assert.deepEqual(rateWindow(c, at(600)), { from: at(540), to: at(600) });
    assert.equal(rateAndEta(c, rateWindow(c, at(600)), 600, 100).ratePerSec, 10);
  });

  it('starts the window at the latest resume, so paused time does not dilute the rate', () => {
    const c = running(0, 580);
    const window = rateWindow(c, at(600));
    assert.deepEqual(window, { from: at(580), to: at(600) });
    assert.equal(rateAndEta(c, window, 200, 1000).ratePerSec, 10);
    assert.equal(rateAndEta(c, window, 200, 1000).etaSec, 100);
  });

  it('has no ETA while paused or before anything was sent, and 0 once nothing remains', () => {
    const paused: RateSubject = { status: 'paused', launchedAt: at(0), runningSince: null, finishedAt: null };
    assert.equal(rateAndEta(paused, rateWindow(paused, at(30)), 100, 50).etaSec, null);
    const draft: RateSubject = { status: 'draft', launchedAt: null, runningSince: null, finishedAt: null };
    assert.equal(rateWindow(draft, at(30)), null);
    assert.deepEqual(rateAndEta(draft, null, 0, 10), { ratePerSec: 0, etaSec: null, rateOverSec: 0 });
    assert.equal(rateAndEta(running(0), rateWindow(running(0), at(5)), 0, 10).etaSec, null);
    assert.equal(rateAndEta(running(0), rateWindow(running(0), at(5)), 50, 0).etaSec, 0);
  });

  it('measures a finished campaign over its last minute of sending, however long ago it ended', () => {
    const done: RateSubject = { status: 'completed', launchedAt: at(0), runningSince: null, finishedAt: at(20) };
    assert.deepEqual(rateWindow(done, at(5000)), { from: at(0), to: at(20) });
    assert.equal(rateAndEta(done, rateWindow(done, at(5000)), 200, 0).ratePerSec, 10);
  });

  it('counts a first sub-second burst over one second', () => {
    const c = running(0);
    assert.equal(rateAndEta(c, { from: at(0), to: new Date(at(0).getTime() + 100) }, 20, 100).ratePerSec, 20);
  });
});

describe('GET /api/v1/campaigns/:id progress uses the elapsed time', () => {
  let ctx: TestContext;
  const clock = manualClock(at(0));

  before(async () => {
    ctx = await createTestContext({ clock, config: { ops: { enabled: false } } });
    await seedUsers(ctx.deps.db, 2940);
  });
  after(() => ctx.cleanup());

  /** A running campaign launched at `launchedSec` that delivered `delivered` of its 2,940 recipients, evenly until `untilSec`. */
  async function seedCampaign(id: string, launchedSec: number, delivered: number, untilSec: number) {
    const db = ctx.deps.db;
    await db
      .insertInto('campaigns')
      .values(campaignRow({ id, name: `Rate check ${id.slice(-4)}`, status: 'running', audience_size: 2940, created_at: at(launchedSec - 10), updated_at: at(launchedSec), launched_at: at(launchedSec) }))
      .execute();
    const users = await db.selectFrom('users').select('id').orderBy('id').execute();
    const spanMs = (untilSec - launchedSec) * 1000;
    await db
      .insertInto('deliveries')
      .values(
        users.map((u, i) => ({
          campaign_id: id,
          user_id: u.id,
          batch_no: Math.floor(i / 100),
          status: i < delivered ? ('delivered' as const) : ('pending' as const),
          variables: '{}',
          reward: JSON.stringify({ mechanism: 'none', amount: 0 }),
          updated_at: at(launchedSec),
          delivered_at: i < delivered ? new Date(at(launchedSec).getTime() + (i / delivered) * spanMs) : null,
        })),
      )
      .execute();
  }

  it('reports 14/s and 176 s for a campaign 34 s old that sent 476 of 2,940', async () => {
    const id = '00000000-0000-4000-8000-000000000034';
    await seedCampaign(id, 0, 476, 34);
    clock.set(at(34));
    const res = await createApp(ctx.deps).request(`/api/v1/campaigns/${id}`, { headers: bearer(TOKENS.viewer) });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { progress: { ratePerSec: number; etaSec: number; remaining: number } };
    assert.equal(body.progress.remaining, 2464);
    assert.equal(body.progress.ratePerSec, 14);
    assert.equal(body.progress.etaSec, 176);
  });

  it('gives a list of campaigns, each over its own window, the same progress as one at a time', async () => {
    // Launched 10 min earlier at 2/s: its last minute holds 120 deliveries; the 34 s one must not borrow them.
    const older = '00000000-0000-4000-8000-000000000600';
    await seedCampaign(older, -566, 1200, 34);
    clock.set(at(34));
    const rows = await Promise.all(['00000000-0000-4000-8000-000000000034', older].map(async (id) => (await getCampaign(ctx.deps.db, id))!));
    const listed = await campaignsProgress(ctx.deps.db, rows, at(34));
    assert.equal(listed.get(rows[0]!.id)?.ratePerSec, 14);
    assert.equal(listed.get(older)?.ratePerSec, 2);
    assert.equal(listed.get(older)?.remaining, 2940 - 1200);
    assert.equal(listed.get(older)?.etaSec, 870);
    for (const row of rows) assert.deepEqual(listed.get(row.id), await campaignProgress(ctx.deps.db, row.id, at(34)));
  });
});
