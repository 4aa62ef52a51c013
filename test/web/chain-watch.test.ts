import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { entryHash, GENESIS_HASH } from '../../src/audit/chain.js';
import { appendAudit } from '../../src/audit/store.js';
import { manualClock } from '../../src/clock.js';
import { ChainWatch } from '../../src/web/dashboard/chain-watch.js';
import { createTestContext, type TestContext } from '../support/deps.js';

describe("the audit page's chain verification status (ChainWatch)", () => {
  let ctx: TestContext;
  const clock = manualClock('2026-03-01T12:00:00Z');
  const ENTRIES = 1234; // more than two of its 500-entry slices

  before(async () => {
    ctx = await createTestContext({ clock });
    let prevHash = GENESIS_HASH;
    const rows = [];
    for (let seq = 1; seq <= ENTRIES; seq++) {
      const content = {
        seq,
        at: new Date(Date.UTC(2026, 2, 1, 11, 0, 0, seq)).toISOString(),
        traceId: `t-${seq}`,
        actor: 'ops',
        channel: 'system',
        action: 'campaign.paused',
        subjectType: 'campaign',
        subjectId: 'c',
        data: { n: seq },
      };
      const hash = entryHash({ ...content, prevHash });
      rows.push({
        seq,
        at: content.at,
        trace_id: content.traceId,
        actor: content.actor,
        channel: content.channel,
        action: content.action,
        subject_type: content.subjectType,
        subject_id: content.subjectId,
        data: JSON.stringify(content.data),
        prev_hash: prevHash,
        hash,
      });
      prevHash = hash;
    }
    for (let i = 0; i < rows.length; i += 500)
      await ctx.deps.db
        .insertInto('audit_log')
        .values(rows.slice(i, i + 500))
        .execute();
  });
  after(() => ctx.cleanup());

  it('verifies the whole chain across slices, then only what was appended since, and finds an edited old entry on the next full pass', async () => {
    const watch = new ChainWatch(ctx.deps.db, clock, { staleMs: 10_000, fullEveryMs: 300_000 });
    const first = watch.status();
    assert.equal(first.verdict, null, 'nothing checked yet: the page shows the check under way');
    assert.equal(first.running, true);
    const full = await watch.refresh();
    assert.deepEqual(full.verdict, { ok: true, count: ENTRIES });
    assert.equal(full.verifiedThrough, ENTRIES);

    await appendAudit(ctx.deps.db, {
      traceId: 't-new',
      actor: 'alice',
      channel: 'console',
      action: 'campaign.resumed',
      subjectType: 'campaign',
      subjectId: 'c',
      data: {},
      at: clock.now(),
    });
    // An edit of an old entry after the full pass: an incremental check starts at the verified head and cannot see it.
    // (The table refuses updates; a tamperer with the owner's rights turns that off first.)
    await sql`alter table audit_log disable trigger audit_log_no_change`.execute(ctx.deps.db);
    await ctx.deps.db.updateTable('audit_log').set({ actor: 'mallory' }).where('seq', '=', 7).execute();
    clock.advance(11_000);
    assert.equal(watch.status().running, true, 'a stale status starts a check by itself');
    const incremental = await watch.refresh();
    assert.deepEqual(incremental.verdict, { ok: true, count: ENTRIES + 1 });
    assert.equal(incremental.fullCheckAt?.getTime(), full.fullCheckAt?.getTime(), 'not a full pass');

    clock.advance(300_000);
    const again = await watch.refresh();
    assert.equal(again.verdict?.ok, false);
    assert.equal(again.verdict?.ok === false && again.verdict.brokenAt, 7);
    assert.equal(watch.status().verdict?.ok, false, 'the page keeps showing the break');
  });
});
