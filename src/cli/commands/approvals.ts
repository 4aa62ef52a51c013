import { type Command, type CommandContext, type CommandResult, enc, need } from '../command.js';
import { relative, table } from '../format.js';

interface ApprovalView {
  id: string;
  kind: string;
  summary: string;
  priority: string;
  status: string;
  requester: string;
  expiresAt: string;
  payloadHash: string;
  payloadText?: string;
  traceId: string;
  channels: Record<string, string>;
  decisions?: { channel: string; actor: string; decision: string; reason: string; at: string }[];
}

async function decide(ctx: CommandContext, decision: 'approve' | 'reject'): Promise<CommandResult> {
  const id = need(ctx.args[0], 'approval id');
  const reason = decision === 'reject' ? need(ctx.options.reason, '--reason') : (ctx.options.reason ?? '');
  // Bind the decision to the payload we were shown: a changed payload makes the server refuse it.
  const request = await ctx.client.request<ApprovalView>('GET', `/api/v1/approvals/${enc(id)}`);
  const result = await ctx.client.request<{ result: string; status: string; message: string }>('POST', `/api/v1/approvals/${enc(id)}/decision`, {
    decision,
    reason,
    payloadHash: request.payloadHash,
  });
  return { json: result, text: `${id}: ${result.message} (status ${result.status})` };
}

export const approvalCommands: Record<string, Command> = {
  'approvals list': {
    usage: 'approvals list [--status S] [--kind K]',
    summary: 'pending requests (--status all for every status, or approved, rejected, expired, …)',
    async run({ client, options, now }) {
      const status = options.status ?? 'pending';
      const query = new URLSearchParams();
      if (options.kind) query.set('kind', options.kind);
      if (status !== 'pending' && status !== 'all') query.set('status', status);
      const get = (path: string) => client.request<{ items: ApprovalView[] }>('GET', `${path}?${query}`);
      const pending = status === 'pending' || status === 'all' ? (await get('/api/v1/approvals/pending')).items : [];
      const decided = status === 'pending' ? [] : (await get('/api/v1/approvals/history')).items;
      const page = { items: [...pending, ...decided] };
      const rows = page.items.map((a) => ({
        ...a,
        expires: a.status === 'pending' ? relative(a.expiresAt, now) : '',
        channels: Object.entries(a.channels)
          .map(([c, s]) => `${c}:${s}`)
          .join(' '),
      }));
      return { json: page, text: table(rows, ['id', 'kind', 'priority', 'status', 'expires', 'channels', 'summary']) };
    },
  },
  'approvals show': {
    usage: 'approvals show <id>',
    summary: 'one request with its payload and decisions',
    async run({ client, args }) {
      const a = await client.request<ApprovalView>('GET', `/api/v1/approvals/${enc(need(args[0], 'approval id'))}`);
      const decisions = (a.decisions ?? []).map((d) => `  ${d.at} ${d.channel} ${d.actor}: ${d.decision}${d.reason ? ` (${d.reason})` : ''}`);
      const text = [
        `${a.id}  ${a.kind}  ${a.priority}  ${a.status}`,
        `trace: ${a.traceId}   requested by: ${a.requester}   expires: ${a.expiresAt}`,
        `channels: ${Object.entries(a.channels)
          .map(([c, s]) => `${c}=${s}`)
          .join(', ')}`,
        '',
        a.payloadText ?? '',
        '',
        decisions.length ? `decisions:\n${decisions.join('\n')}` : 'no decisions yet',
      ].join('\n');
      return { json: a, text };
    },
  },
  'approvals approve': { usage: 'approvals approve <id> [--reason R]', summary: 'approve (bound to the payload shown)', run: (ctx) => decide(ctx, 'approve') },
  'approvals reject': { usage: 'approvals reject <id> --reason R', summary: 'reject', run: (ctx) => decide(ctx, 'reject') },
};
