import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../src/api/app.js';
import { propose } from '../../src/approvals/propose.js';
import { approvalDetail } from '../../src/approvals/read.js';
import { verifyWebhook } from '../../src/approvals/webhook-signature.js';
import { requestText } from '../../src/telegram/messages.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { recordingAction } from '../support/recording-action.js';
import { bearer, TOKENS } from '../support/tokens.js';

const SECRET = 'evaluator-secret-0123456789';
type Seen = { body: Record<string, unknown>; signature: string | undefined };

/** The Meta-Agent as a small local server: answers each proposal as `answers[params.name]` says. */
class Evaluator {
  readonly seen: Seen[] = [];
  readonly answers = new Map<string, (res: ServerResponse) => void>();
  private server: Server | undefined;
  private readonly hanging: ServerResponse[] = [];
  url = '';
  async start() {
    this.server = createServer((req: IncomingMessage, res) => {
      let text = '';
      req.on('data', (chunk) => (text += chunk));
      req.on('end', () => {
        const body = JSON.parse(text) as Record<string, unknown>;
        this.seen.push({ body: { ...body, raw: text }, signature: req.headers['x-flywheel-signature'] as string | undefined });
        const answer = this.answers.get(String((body.params as { name?: string }).name));
        if (answer) answer(res);
        else this.hanging.push(res);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}/evaluate`;
  }
  verdict(name: string, verdict: string, reason: string) {
    this.answers.set(name, (res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ verdict, reason })));
  }
  async stop() {
    for (const res of this.hanging) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

describe('strategy evaluation hand-off: Growth proposals go to an outside evaluator first', () => {
  let ctx: TestContext;
  const evaluator = new Evaluator();
  const action = recordingAction('reward.adjust');
  /** Within every default reward.adjust guardrail (10% change, 1,000 budget): the policy alone would apply it. */
  const small = (name: string) => ({ name, arm: 'B', percentChange: 5, budgetDelta: 10 });
  /** Over the 10% guardrail: the policy alone asks a person. */
  const big = (name: string) => ({ name, arm: 'B', percentChange: 20, budgetDelta: 10 });
  const growth = (params: Record<string, unknown>, proposer = 'growth') =>
    propose(ctx.deps, { kind: 'reward.adjust', proposer, params, traceId: `trace-${params.name}`, summary: `change ${params.name}` });
  const audit = (trace: string) => ctx.deps.db.selectFrom('audit_log').selectAll().where('trace_id', '=', trace).orderBy('id').execute();

  before(async () => {
    await evaluator.start();
    ctx = await createTestContext({
      extraActions: [action.handler],
      config: { approvals: { evaluator: { url: evaluator.url, timeoutMs: 2000, secret: SECRET } } },
    });
  });
  after(async () => {
    await ctx.cleanup();
    await evaluator.stop();
  });

  it('sends the proposal and the policy verdict, signed; an approval of what the guardrails allow applies it, on record', async () => {
    evaluator.verdict('ok', 'approve', 'fits the quarter strategy');
    const outcome = await growth(small('ok'));
    assert.equal(outcome.outcome, 'applied', 'allowed: its apply job is queued');
    const seen = evaluator.seen.find((s) => (s.body.params as { name: string }).name === 'ok')!;
    assert.equal(seen.body.kind, 'reward.adjust');
    assert.equal(seen.body.traceId, 'trace-ok');
    assert.deepEqual(seen.body.policy, { outcome: 'apply' });
    assert.deepEqual(verifyWebhook(SECRET, String(seen.body.raw), seen.signature, Math.floor(Date.now() / 1000)), { ok: true });
    const entries = await audit('trace-ok');
    const evaluated = entries.find((e) => e.action === 'proposal.evaluated');
    assert.equal(evaluated?.data.verdict, 'approve');
    assert.equal(evaluated?.data.reason, 'fits the quarter strategy');
    assert.equal(evaluated?.channel, 'evaluator');
    assert.equal((entries.find((e) => e.action === 'proposal.allowed')?.data.evaluation as { verdict?: string } | undefined)?.verdict, 'approve');
  });

  it('a rejection refuses even what the guardrails allow, and nothing is applied', async () => {
    evaluator.verdict('no', 'reject', 'conflicts with the retention push');
    const outcome = await growth(small('no'));
    assert.equal(outcome.outcome, 'refused');
    assert.match(outcome.outcome === 'refused' ? outcome.reason : '', /evaluator .* says reject: conflicts with the retention push/);
    const entries = await audit('trace-no');
    assert.deepEqual(
      entries.map((e) => e.action),
      ['proposal.evaluated', 'proposal.refused'],
      'no apply job, no request',
    );
  });

  it('an escalation sends to a person what the guardrails would apply, and the person sees the verdict on the dashboard and in Telegram', async () => {
    evaluator.verdict('ask', 'escalate', 'budget owner should look');
    const outcome = await growth(small('ask'));
    assert.equal(outcome.outcome, 'approval_requested');
    if (outcome.outcome !== 'approval_requested') return;
    assert.match(outcome.request.reasons.join(' '), /says escalate: budget owner should look/);
    assert.equal((outcome.request.evaluation as { verdict: string }).verdict, 'escalate');
    const detail = await approvalDetail(ctx.deps, outcome.request.id);
    assert.deepEqual(detail.card.facts.find((f) => f.key === 'evaluation')?.value, `escalate (${new URL(evaluator.url).host}): budget owner should look`);
    assert.match(requestText(detail), /\nEvaluator: escalate \(127\.0\.0\.1:\d+\): budget owner should look\n/);
    const page = await createApp(ctx.deps).request(`/dashboard/approvals/${outcome.request.id}`, { headers: bearer(TOKENS.approver) });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /data-testid="card-evaluation">escalate \(127\.0\.0\.1:\d+\): budget owner should look</);
  });

  it('never loosens: an approval of what needs a person still waits for one, a rejection refuses it', async () => {
    evaluator.verdict('big-ok', 'approve', 'go');
    const approved = await growth(big('big-ok'));
    assert.equal(approved.outcome, 'approval_requested');
    if (approved.outcome === 'approval_requested') {
      assert.match(approved.request.reasons.join(' '), /over the guardrail/);
      assert.match(approved.request.reasons.join(' '), /says approve: go/);
    }
    evaluator.verdict('big-no', 'reject', 'too much');
    assert.equal((await growth(big('big-no'))).outcome, 'refused');
  });

  it('no answer within the timeout, an error status or a malformed verdict: a person decides', async () => {
    const slow = await growth(small('silent'));
    assert.equal(slow.outcome, 'approval_requested');
    if (slow.outcome === 'approval_requested') assert.match(slow.request.reasons.join(' '), /gave no verdict: no answer within 2000 ms/);
    evaluator.answers.set('broken', (res) => res.writeHead(500).end('oops'));
    const broken = await growth(small('broken'));
    assert.equal(broken.outcome, 'approval_requested');
    if (broken.outcome === 'approval_requested') assert.match(broken.request.reasons.join(' '), /gave no verdict: answered 500/);
    evaluator.answers.set('odd', (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"verdict":"maybe"}'));
    const odd = await growth(small('odd'));
    assert.equal(odd.outcome, 'approval_requested');
    if (odd.outcome === 'approval_requested') assert.match(odd.request.reasons.join(' '), /without a verdict of approve, reject or escalate/);
  });

  it('asks only about the proposers configured (growth by default): an operator proposal goes straight to the policy', async () => {
    const before = evaluator.seen.length;
    assert.equal((await growth(small('by-operator'), 'operator')).outcome, 'applied');
    assert.equal(evaluator.seen.length, before);
  });
});
