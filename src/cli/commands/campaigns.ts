import { setTimeout as delay } from 'node:timers/promises';
import { type Command, type CommandContext, type CommandResult, enc, intOption, need } from '../command.js';
import { relative, table } from '../format.js';
import { ProgressLine } from '../progress.js';

interface CampaignView {
  id: string;
  name: string;
  status: string;
  statusReason: string | null;
  audienceSize: number;
  reward: { mechanism: string; amount: number };
  channel: { url: string; mode: string };
  startAt: string | null;
  approvalId: string | null;
  traceId: string;
  createdBy: string;
  createdAt: string;
  launchedAt: string | null;
  finishedAt: string | null;
}

interface CampaignDetail extends CampaignView {
  progress: { delivered: number; failed: number; retrying: number; remaining: number; total: number; ratePerSec: number; etaSec: number | null };
  limits: Record<string, unknown> | null;
}

const STATUSES = ['draft', 'pending_approval', 'scheduled', 'running', 'paused', 'completed', 'cancelled', 'failed'];
// --watch follows these; a paused campaign or one waiting for approval may wait for hours, so it stops there.
const LIVE = new Set(['scheduled', 'running']);

const percent = (p: CampaignDetail['progress']) => (p.total === 0 ? 0 : (p.delivered + p.failed) / p.total);

function detailText(c: CampaignDetail, now: Date): string {
  const p = c.progress;
  const eta = p.etaSec === null ? 'unknown' : p.etaSec === 0 ? 'done' : `${p.etaSec} s`;
  const limits = c.limits ? Object.entries(c.limits).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(' ') : 'none';
  return [
    `${c.id}  ${c.name}`,
    `status: ${c.status}${c.statusReason ? ` (${c.statusReason})` : ''}`,
    `audience: ${c.audienceSize.toLocaleString('en-US')}   reward: ${c.reward.mechanism} ${c.reward.amount}   channel: ${c.channel.mode} ${c.channel.url}`,
    `created ${relative(c.createdAt, now)} by ${c.createdBy}${c.launchedAt ? `, launched ${relative(c.launchedAt, now)}` : ''}${c.finishedAt ? `, finished ${relative(c.finishedAt, now)}` : ''}`,
    `trace: ${c.traceId}${c.approvalId ? `   approval: ${c.approvalId}` : ''}`,
    '',
    `delivered ${p.delivered} / ${p.total} (${Math.round(percent(p) * 100)}%)   failed ${p.failed}   retrying ${p.retrying}   remaining ${p.remaining}`,
    `rate ${p.ratePerSec.toFixed(1)}/s over the last minute   ETA ${eta}`,
    `limits: ${limits}`,
  ].join('\n');
}

/**
 * pause / resume / cancel. A 409 is an answer, not an error: the campaign is in a
 * state where the action does nothing, and the body says which.
 */
async function act(ctx: CommandContext, verb: 'pause' | 'resume' | 'cancel'): Promise<CommandResult> {
  const id = need(ctx.args[0], 'campaign id');
  const body = ctx.options.reason ? { reason: ctx.options.reason } : {};
  const { status, body: outcome } = await ctx.client.requestWithStatus<Record<string, unknown> & { campaign?: CampaignView; reason?: string; outcome?: string; request?: { id: string } }>(
    'POST',
    `/api/v1/campaigns/${enc(id)}/${verb}`,
    body,
    { accept: [409] },
  );
  const now = outcome.campaign ? `; now ${outcome.campaign.status}` : '';
  let text: string;
  if (status === 409) text = `${id}: not ${verb === 'pause' ? 'paused' : verb === 'resume' ? 'resumed' : 'cancelled'}: ${outcome.reason ?? `campaign is ${outcome.campaign?.status ?? 'in another state'}`}`;
  else if (outcome.outcome === 'approval_requested') text = `${id}: resuming after an automatic pause needs approval: request ${outcome.request?.id} (flywheel approvals show ${outcome.request?.id})`;
  else if (outcome.outcome === 'refused') text = `${id}: the policy refused to resume: ${outcome.reason ?? ''}`;
  else text = `${id}: ${verb === 'pause' ? 'paused' : verb === 'resume' ? 'resumed' : 'cancelled'}${now}`;
  return { json: outcome, text, exitCode: status === 409 || outcome.outcome === 'refused' ? 1 : 0 };
}

export const campaignCommands: Record<string, Command> = {
  'campaigns list': {
    usage: 'campaigns list [--status S] [--limit N]',
    summary: `campaigns, newest first (S: ${STATUSES.join(', ')})`,
    async run({ client, options, now }) {
      const query = new URLSearchParams({ limit: String(intOption(options.limit, '--limit', 50)) });
      if (options.status && options.status !== 'all') query.set('status', options.status);
      const page = await client.request<{ items: CampaignView[] }>('GET', `/api/v1/campaigns?${query}`);
      const rows = page.items.map((c) => ({ ...c, audience: c.audienceSize, created: relative(c.createdAt, now), reason: c.statusReason ?? '' }));
      return { json: page, text: table(rows, ['id', 'status', 'audience', 'created', 'name', 'reason']) };
    },
  },
  'campaigns show': {
    usage: 'campaigns show <id> [--watch]',
    summary: 'a campaign with its delivery progress, rate, ETA and limits (--watch: follow until it finishes)',
    async run({ client, args, options, progress, now }) {
      const path = `/api/v1/campaigns/${enc(need(args[0], 'campaign id'))}`;
      let campaign = await client.request<CampaignDetail>('GET', path);
      if (options.watch) {
        const line = new ProgressLine(progress, Date.now, 0);
        try {
          while (LIVE.has(campaign.status)) {
            line.update(percent(campaign.progress), `${campaign.status} ${campaign.progress.delivered}/${campaign.progress.total} ${campaign.progress.ratePerSec.toFixed(1)}/s`);
            await delay(1000);
            campaign = await client.request<CampaignDetail>('GET', path);
          }
        } finally {
          line.done();
        }
      }
      return { json: campaign, text: detailText(campaign, options.watch ? new Date() : now) };
    },
  },
  'campaigns pause': { usage: 'campaigns pause <id> [--reason R]', summary: 'pause on every worker within a second', run: (ctx) => act(ctx, 'pause') },
  'campaigns resume': {
    usage: 'campaigns resume <id>',
    summary: 'resume; after an automatic pause this asks for approval',
    run: (ctx) => act(ctx, 'resume'),
  },
  'campaigns cancel': { usage: 'campaigns cancel <id>', summary: 'cancel; nothing more is sent', run: (ctx) => act(ctx, 'cancel') },
};
