import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { serveApp } from '../support/server.js';
import { AGENT_TOKENS, bearer, externalClientTokens, TOKENS } from '../support/tokens.js';
import { waitFor } from '../support/wait-for.js';

const BIN = fileURLToPath(new URL('../../bin/flywheel.js', import.meta.url));
const META: string = AGENT_TOKENS.meta;
const OTHER: string = AGENT_TOKENS.other;

type Approval = {
  id: string;
  status: string;
  kind: string;
  title: string | null;
  resolution: string | null;
  decisions?: { channel: string; actor: string; decision: string }[];
};
type ToolResult = { isError?: boolean; structuredContent?: unknown; content: { type: string; text?: string }[] };

describe('MCP server: the approval tools for AI agents, over streamable HTTP and stdio', () => {
  let ctx: TestContext;
  let server: Awaited<ReturnType<typeof serveApp>>;
  const clients: Client[] = [];

  const httpTransport = (token: string) => new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), { requestInit: { headers: bearer(token) } });
  const stdioTransport = (token: string) =>
    new StdioClientTransport({
      command: process.execPath,
      args: [BIN, 'mcp', '--url', server.url],
      env: { PATH: process.env.PATH ?? '', FLYWHEEL_TOKEN: token },
      stderr: 'pipe',
    });
  async function connect(transport: Transport): Promise<Client> {
    const client = new Client({ name: 'flywheel-test-agent', version: '1.0.0' });
    await client.connect(transport);
    clients.push(client);
    return client;
  }
  const call = async (client: Client, name: string, args: Record<string, unknown>) =>
    (await client.callTool({ name, arguments: args }, undefined, { timeout: 60_000 })) as ToolResult;

  /** A person approves on the console as soon as the request is pending. */
  async function approveWhenFiled(title: string, token: string = TOKENS.approver): Promise<void> {
    const row = await waitFor(
      () =>
        ctx.deps.db
          .selectFrom('approval_requests')
          .select(['id', 'payload_hash'])
          .where('title', '=', title)
          .where('status', '=', 'pending')
          .executeTakeFirst(),
      { what: `request ${title}` },
    );
    const res = await fetch(`${server.url}/api/v1/approvals/${row.id}/decision`, {
      method: 'POST',
      headers: { ...bearer(token), 'content-type': 'application/json' },
      body: JSON.stringify({ decision: 'approve', payloadHash: row.payload_hash }),
    });
    assert.equal(res.status, 200, await res.text());
  }

  before(async () => {
    ctx = await createTestContext({
      config: {
        auth: { tokens: externalClientTokens() },
      },
    });
    server = await serveApp(ctx.deps);
  });
  after(async () => {
    for (const client of clients) await client.close().catch(() => {});
    await server.close();
    await ctx.cleanup();
  });

  for (const [transportName, transportOf] of [
    ['streamable HTTP at /mcp', httpTransport],
    ['stdio (flywheel mcp)', stdioTransport],
  ] as const) {
    it(`over ${transportName}: lists the tools, request_approval waits, a human approves, the tool returns approved with the decision`, async () => {
      const client = await connect(transportOf(META));
      const tools = await client.listTools();
      assert.deepEqual(tools.tools.map((t) => t.name).sort(), ['get_approval', 'list_my_requests', 'request_approval']);
      const title = `Shift budget (${transportName})`;
      const request = {
        kind: 'meta.strategy.apply',
        title,
        summary: '**Why:** referrals convert better.',
        payload: { share: 0.05 },
        waitSec: 30,
        idempotencyKey: `k-${transportName}`,
      };
      const [result] = await Promise.all([call(client, 'request_approval', request), approveWhenFiled(title)]);
      assert.ok(!result.isError, JSON.stringify(result));
      const approval = result.structuredContent as Approval;
      assert.equal(approval.status, 'approved');
      assert.equal(approval.title, title);
      assert.deepEqual(
        approval.decisions?.map((d) => [d.channel, d.actor, d.decision]),
        [['console', 'alice', 'approve']],
      );
      // The same idempotency key is the same request, decided already: no wait, no second request.
      const again = await call(client, 'request_approval', request);
      assert.equal((again.structuredContent as Approval).id, approval.id);
      assert.equal((await ctx.deps.db.selectFrom('approval_requests').select('id').where('title', '=', title).execute()).length, 1);
      // The audit trail names the agent as requester and the person as decider.
      const history = await ctx.deps.db.selectFrom('audit_log').select(['action', 'actor']).where('subject_id', '=', approval.id).orderBy('id').execute();
      assert.deepEqual(
        history.slice(0, 2).map((h) => [h.action, h.actor]),
        [
          ['approval.requested', 'meta-agent'],
          ['approval.decision', 'alice'],
        ],
      );
      const got = await call(client, 'get_approval', { id: approval.id });
      assert.equal((got.structuredContent as Approval).status, 'approved');
    });
  }

  it('keeps an agent to its own requests: another client is told "not found", and lists only its own', async () => {
    const meta = await connect(httpTransport(META));
    const other = await connect(httpTransport(OTHER));
    const filed = (await call(meta, 'request_approval', { kind: 'meta.private.plan', title: 'private plan', payload: { secret: 42 }, waitSec: 0 }))
      .structuredContent as Approval;
    assert.equal(filed.status, 'pending');
    const peek = await call(other, 'get_approval', { id: filed.id });
    assert.equal(peek.isError, true);
    assert.match(peek.content[0]?.text ?? '', /^404 not_found/);
    assert.doesNotMatch(JSON.stringify(peek), /secret/);
    const theirs = (await call(other, 'list_my_requests', {})).structuredContent as { items: Approval[] };
    assert.ok(!theirs.items.some((i) => i.id === filed.id));
    const mine = (await call(meta, 'list_my_requests', { status: 'pending' })).structuredContent as { items: Approval[] };
    assert.ok(mine.items.some((i) => i.id === filed.id));
  });

  it('waits no longer than asked: a pending request comes back pending after waitSec', async () => {
    const meta = await connect(httpTransport(META));
    const started = Date.now();
    const result = (await call(meta, 'request_approval', { kind: 'meta.slow.plan', title: 'nobody answers', waitSec: 1 })).structuredContent as Approval;
    assert.equal(result.status, 'pending');
    assert.ok(Date.now() - started < 5_000);
  });

  it('answers bad tool input and API refusals as tool errors naming the field', async () => {
    const meta = await connect(httpTransport(META));
    const bad = await call(meta, 'request_approval', { kind: 'campaign.launch', title: 'not mine to file', waitSec: 0 });
    assert.equal(bad.isError, true);
    assert.match(bad.content[0]?.text ?? '', /400 invalid_request.*field json\.kind/);
    const wrongType = await call(meta, 'get_approval', { id: 42 });
    assert.equal(wrongType.isError, true);
  });

  it('refuses a missing or wrong token and a token without the agent or operator role', async () => {
    const anonymous = await fetch(`${server.url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: '{}',
    });
    assert.equal(anonymous.status, 401);
    await assert.rejects(connect(httpTransport('not-a-token-0123456789abcdef')), /401|unauthorized/i);
    await assert.rejects(connect(httpTransport(TOKENS.viewer)), /403|forbidden/i);
  });
});
