import { setTimeout as delay } from 'node:timers/promises';
import { type ApiClient, CliError } from './client.js';
import { relative, table } from './format.js';

export interface CommandContext {
  client: ApiClient;
  args: string[];
  options: { data?: string; wait?: boolean; status?: string; kind?: string; reason?: string };
  now: Date;
}

export interface CommandResult {
  json: unknown;
  text: string;
}

type Command = { run(ctx: CommandContext): Promise<CommandResult> };

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

const need = (value: string | undefined, what: string) => {
  if (!value) throw new CliError(`missing ${what}`, 2);
  return value;
};

async function decide(ctx: CommandContext, decision: 'approve' | 'reject'): Promise<CommandResult> {
  const id = need(ctx.args[0], 'approval id');
  const reason = decision === 'reject' ? need(ctx.options.reason, '--reason') : (ctx.options.reason ?? '');
  // Bind the decision to the payload we were shown: a changed payload makes the server refuse it.
  const request = await ctx.client.request<ApprovalView>('GET', `/api/v1/approvals/${encodeURIComponent(id)}`);
  const result = await ctx.client.request<{ result: string; status: string; message: string }>(
    'POST',
    `/api/v1/approvals/${encodeURIComponent(id)}/decision`,
    { decision, reason, payloadHash: request.payloadHash },
  );
  return { json: result, text: `${id}: ${result.message} (status ${result.status})` };
}

export const commands: Record<string, Command> = {
  status: {
    async run({ client }) {
      const status = await client.request<{ components: Record<string, { enabled: boolean; health: string }>; queues: Record<string, Record<string, number>> }>('GET', '/api/v1/status');
      const components = Object.entries(status.components).map(([name, c]) => ({ component: name, enabled: c.enabled, health: c.health }));
      const queues = Object.entries(status.queues).map(([name, c]) => ({ queue: name, waiting: c.waiting ?? 0, active: c.active ?? 0, delayed: c.delayed ?? 0, failed: c.failed ?? 0 }));
      return { json: status, text: `${table(components, ['component', 'enabled', 'health'])}\n\n${table(queues, ['queue', 'waiting', 'active', 'delayed', 'failed'])}` };
    },
  },
  'jobs run': {
    async run({ client, args, options }) {
      const queue = need(args[0], 'queue');
      let data: unknown;
      try {
        data = options.data ? JSON.parse(options.data) : undefined;
      } catch {
        throw new CliError('--data must be JSON', 2);
      }
      const job = await client.request<{ id: string; traceId: string }>('POST', `/api/v1/jobs/${encodeURIComponent(queue)}`, data === undefined ? {} : { data });
      if (!options.wait) return { json: job, text: `enqueued ${queue} job ${job.id} (trace ${job.traceId})` };
      const deadline = Date.now() + 10 * 60_000;
      for (;;) {
        if (Date.now() > deadline) throw new CliError(`${queue} job ${job.id} did not finish within 10 minutes (is a worker running?)`);
        const state = await client.request<{ state: string; progress: unknown; result: unknown; failedReason: string | null }>('GET', `/api/v1/jobs/${encodeURIComponent(queue)}/${job.id}`);
        if (state.state === 'completed' || state.state === 'failed') {
          return { json: { ...job, ...state }, text: `${queue} job ${job.id} ${state.state}: ${JSON.stringify(state.result ?? state.failedReason)}` };
        }
        if (typeof state.progress === 'number' && process.stderr.isTTY) {
          const filled = Math.round(state.progress / 5);
          process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(20 - filled)}] ${state.progress}%`);
        }
        await delay(250);
      }
    },
  },
  'jobs show': {
    async run({ client, args }) {
      const job = await client.request<Record<string, unknown>>('GET', `/api/v1/jobs/${encodeURIComponent(need(args[0], 'queue'))}/${encodeURIComponent(need(args[1], 'job id'))}`);
      return { json: job, text: Object.entries(job).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join('\n') };
    },
  },
  'approvals list': {
    async run({ client, options, now }) {
      const status = options.status ?? 'pending';
      const query = new URLSearchParams();
      if (options.kind) query.set('kind', options.kind);
      if (status !== 'pending' && status !== 'all') query.set('status', status);
      const get = (path: string) => client.request<{ items: ApprovalView[] }>('GET', `${path}?${query}`);
      const pending = status === 'pending' || status === 'all' ? (await get('/api/v1/approvals/pending')).items : [];
      const decided = status === 'pending' ? [] : (await get('/api/v1/approvals/history')).items;
      const page = { items: [...pending, ...decided] };
      const rows = page.items.map((a) => ({ ...a, expires: a.status === 'pending' ? relative(a.expiresAt, now) : '', channels: Object.entries(a.channels).map(([c, s]) => `${c}:${s}`).join(' ') }));
      return { json: page, text: table(rows, ['id', 'kind', 'priority', 'status', 'expires', 'channels', 'summary']) };
    },
  },
  'approvals show': {
    async run({ client, args }) {
      const a = await client.request<ApprovalView>('GET', `/api/v1/approvals/${encodeURIComponent(need(args[0], 'approval id'))}`);
      const decisions = (a.decisions ?? []).map((d) => `  ${d.at} ${d.channel} ${d.actor}: ${d.decision}${d.reason ? ` (${d.reason})` : ''}`);
      const text = [
        `${a.id}  ${a.kind}  ${a.priority}  ${a.status}`,
        `trace: ${a.traceId}   requested by: ${a.requester}   expires: ${a.expiresAt}`,
        `channels: ${Object.entries(a.channels).map(([c, s]) => `${c}=${s}`).join(', ')}`,
        '',
        a.payloadText ?? '',
        '',
        decisions.length ? `decisions:\n${decisions.join('\n')}` : 'no decisions yet',
      ].join('\n');
      return { json: a, text };
    },
  },
  'approvals approve': { run: (ctx) => decide(ctx, 'approve') },
  'approvals reject': { run: (ctx) => decide(ctx, 'reject') },
};
