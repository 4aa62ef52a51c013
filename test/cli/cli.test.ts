import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { propose } from '../../src/approvals/propose.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { recordingAction } from '../support/recording-action.js';
import { serveApp } from '../support/server.js';
import { TOKENS } from '../support/tokens.js';
import { startTestWorkers } from '../support/workers.js';

const BIN = fileURLToPath(new URL('../../bin/flywheel.js', import.meta.url));

interface Approval {
  id: string;
  status: string;
  kind: string;
  payloadHash: string;
  payloadText: string;
  channels: Record<string, string>;
  decisions: { channel: string; actor: string; decision: string; reason: string }[];
}

describe('The CLI does the same against a running service', () => {
  let ctx: TestContext;
  let workers: Awaited<ReturnType<typeof startTestWorkers>>;
  let server: Awaited<ReturnType<typeof serveApp>>;
  const action = recordingAction('campaign.launch');

  /** Runs bin/flywheel.js as a child process; asynchronously, as the server answers from this one. */
  function cli(args: string[], token: string = TOKENS.approver): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(process.execPath, [BIN, ...args], { env: { ...process.env, FLYWHEEL_URL: server.url, FLYWHEEL_TOKEN: token }, timeout: 60_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
      });
    });
  }

  async function json<T>(args: string[], token?: string): Promise<T> {
    const run = await cli([...args, '--json'], token);
    assert.equal(run.code, 0, `flywheel ${args.join(' ')} exited ${run.code}: ${run.stderr}`);
    return JSON.parse(run.stdout) as T;
  }

  async function requestLaunch(name: string): Promise<string> {
    const outcome = await propose(ctx.deps, {
      kind: 'campaign.launch',
      proposer: 'growth',
      params: { name, audienceSize: 12_000, budget: 100 },
      traceId: `trace-${name}`,
      summary: `Launch ${name} to 12000 users`,
    });
    assert.ok(outcome.outcome === 'approval_requested', JSON.stringify(outcome));
    return outcome.request.id;
  }

  before(async () => {
    ctx = await createTestContext({ extraActions: [action.handler] });
    workers = await startTestWorkers(ctx);
    server = await serveApp(ctx.deps);
  });
  after(async () => {
    await server?.close();
    await workers?.stop();
    await ctx?.cleanup();
  });

  it('lists, shows and approves a request with a reason', async () => {
    const id = await requestLaunch('cli-approve');
    const list = await json<{ items: Approval[] }>(['approvals', 'list']);
    const listed = list.items.find((a) => a.id === id);
    assert.ok(listed, 'the request is listed as pending');
    assert.deepEqual(listed.channels, { console: 'waiting' });

    const text = await cli(['approvals', 'list']);
    assert.equal(text.code, 0);
    assert.match(text.stdout, new RegExp(`${id}\\s+campaign\\.launch\\s+normal\\s+pending\\s+in \\d`));

    const shown = await json<Approval>(['approvals', 'show', id]);
    assert.equal(shown.id, id);
    assert.match(shown.payloadText, /Audience: 12,000 users/);
    assert.match(shown.payloadHash, /^[0-9a-f]{64}$/);

    const approved = await json<{ result: string; status: string }>(['approvals', 'approve', id, '--reason', 'ok']);
    assert.equal(approved.result, 'decided');
    assert.equal(approved.status, 'approved');
    const decided = await json<Approval>(['approvals', 'show', id]);
    assert.deepEqual(decided.decisions.map((d) => [d.channel, d.actor, d.decision, d.reason]), [['console', 'alice', 'approve', 'ok']]);
    const history = await json<{ items: Approval[] }>(['approvals', 'list', '--status', 'approved']);
    assert.ok(history.items.some((a) => a.id === id));
  });

  it('rejects with a reason, and refuses to reject without one (non-zero exit, nothing written)', async () => {
    const id = await requestLaunch('cli-reject');
    const withoutReason = await cli(['approvals', 'reject', id]);
    assert.equal(withoutReason.code, 2, 'a usage error');
    assert.match(withoutReason.stderr, /missing --reason/);
    const decisions = await ctx.deps.db.selectFrom('approval_decisions').selectAll().where('request_id', '=', id).execute();
    assert.equal(decisions.length, 0);

    const rejected = await json<{ result: string; status: string }>(['approvals', 'reject', id, '--reason', 'too big']);
    assert.equal(rejected.status, 'rejected');
    const shown = await json<Approval>(['approvals', 'show', id]);
    assert.equal(shown.decisions[0]?.reason, 'too big');
  });

  it('reports the service status as JSON', async () => {
    const status = await json<{ service: string; components: Record<string, unknown>; queues: Record<string, unknown> }>(['status']);
    assert.equal(typeof status.service, 'string');
    assert.ok(Object.keys(status.queues).includes('diagnostics'));
  });

  it('runs the diagnostics job and waits for it to complete (operator role; an approver is refused)', async () => {
    const refused = await cli(['jobs', 'run', 'diagnostics', '--wait', '--json']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /403 forbidden/);
    const job = await json<{ id: string; state: string; result: { echo: string | null } }>(['jobs', 'run', 'diagnostics', '--wait', '--data', '{"echo":"hi"}'], TOKENS.operator);
    assert.equal(job.state, 'completed');
    assert.equal(job.result.echo, 'hi');
  });
});
