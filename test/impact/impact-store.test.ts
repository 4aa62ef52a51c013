import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { appendAudit } from '../../src/audit/store.js';
import { appliedRewardChanges } from '../../src/impact/store.js';
import { createTestContext, type TestContext } from '../support/deps.js';

describe('impact store: reward changes read from the audit log', () => {
  let ctx: TestContext;

  before(async () => {
    ctx = await createTestContext();
  });
  after(() => ctx.cleanup());

  it('lists changes not sealed yet in the order they were written', async () => {
    const at = new Date();
    const change = (arm: string) => ({
      traceId: 'trace-impact',
      actor: 'growth',
      channel: 'system',
      action: 'experiment.reward_changed',
      subjectType: 'experiment',
      subjectId: 'exp-1',
      data: { arm },
      at,
    });
    // The chain's lock held: the sealer cannot give these entries a seq while the report reads them.
    await ctx.deps.db.transaction().execute(async (lock) => {
      await sql`select pg_advisory_xact_lock(hashtext(current_schema() || '.audit_log'))`.execute(lock);
      // Two appenders at once: the first takes its id, the second takes the next and its row reaches the
      // table first, then the first's row follows. Only an explicit order keeps the report in write order.
      const { id } = await sql<{ id: string }>`select nextval('audit_log_id_seq') as id`.execute(ctx.deps.db).then((r) => r.rows[0]!);
      await appendAudit(ctx.deps.db, change('second'));
      const { traceId, subjectType, subjectId, ...rest } = change('first');
      await ctx.deps.db
        .insertInto('audit_log')
        .values({
          id: Number(id),
          at: rest.at.toISOString(),
          trace_id: traceId,
          actor: rest.actor,
          channel: rest.channel,
          action: rest.action,
          subject_type: subjectType,
          subject_id: subjectId,
          data: JSON.stringify(rest.data),
        })
        .execute();
      const unsealed = await ctx.deps.db.selectFrom('audit_log').select('seq').where('action', '=', 'experiment.reward_changed').execute();
      assert.ok(
        unsealed.every((r) => r.seq === null),
        'nothing sealed yet',
      );

      const changes = await appliedRewardChanges(ctx.deps.db, new Date(at.getTime() - 1000), new Date(at.getTime() + 1000));
      assert.deepEqual(
        changes.map((c) => c.arm),
        ['first', 'second'],
      );
    });
  });
});
