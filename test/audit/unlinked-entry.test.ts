import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../src/api/app.js';
import { appendAudit } from '../../src/audit/store.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { stallSealer } from '../support/stalled-sealer.js';
import { bearer, TOKENS } from '../support/tokens.js';

// A reader seals first, but gives up after the chain lock's timeout when another sealer stalls:
// the entries it could not link were shown as entry 0 of the chain.
describe('an audit entry not linked into the chain yet', () => {
  let ctx: TestContext;
  let app: ReturnType<typeof createApp>;
  before(async () => {
    ctx = await createTestContext();
    app = createApp(ctx.deps);
  });
  after(async () => {
    await ctx.cleanup();
  });

  const entries = async (trace: string) => {
    const response = await app.request(`/api/v1/audit?trace=${trace}`, { headers: bearer(TOKENS.viewer) });
    assert.equal(response.status, 200);
    return ((await response.json()) as { items: { seq: number | null; action: string }[] }).items;
  };

  it('is shown with no place in the chain (seq null) until the sealer links it', async () => {
    await appendAudit(ctx.deps.db, {
      traceId: 't-unlinked',
      actor: 'tester',
      channel: 'test',
      action: 'test.unlinked',
      subjectType: 'test',
      subjectId: 't-unlinked',
      data: {},
      at: new Date(),
    });
    const stalled = await stallSealer(ctx.deps.db);
    try {
      assert.deepEqual(
        (await entries('t-unlinked')).map((e) => [e.action, e.seq]),
        [['test.unlinked', null]],
      );
    } finally {
      stalled.release();
      await stalled.done;
    }
    const [linked] = await entries('t-unlinked');
    assert.ok(typeof linked?.seq === 'number' && linked.seq >= 1, `linked as ${linked?.seq}`);
  });
});
