import { Bot, type Context } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import { ApprovalNotFoundError } from '../approvals/errors.js';
import { approvalList, resolveId } from '../approvals/read.js';
import { getRequest } from '../approvals/store.js';
import { recordDecision } from '../approvals/record-decision.js';
import { appendAudit } from '../audit/store.js';
import type { Deps } from '../deps.js';
import { callbackSecret, clientOptions, shortRetries } from './api.js';
import { decodeCallback } from './callback-data.js';
import { markUpdateSeen } from './store.js';

/**
 * The approvals bot. Approvers are identified by the numeric id of the person
 * who tapped or typed (`ctx.from.id`), never by chat or username, and must be
 * allow-listed in config with a role that may approve the request's kind.
 */
export function createBot(deps: Deps, options: { botInfo?: UserFromGetMe } = {}): Bot {
  const config = deps.config.telegram;
  const bot = new Bot(config.botToken, { botInfo: options.botInfo, client: clientOptions(config) });
  bot.api.config.use(shortRetries());
  const secret = callbackSecret(config);
  const approverOf = (ctx: Context) => config.approvers.find((a) => a.userId === ctx.from?.id);

  // Telegram redelivers webhook updates it thinks were not received: handle each once.
  bot.use(async (ctx, next) => {
    if (await markUpdateSeen(deps.db, ctx.update.update_id, deps.clock.now())) await next();
  });

  /**
   * Every attempt on a known request is audited under the request's trace, allowed
   * or not: a stranger's tap, a tap after the decision, a refused approval.
   */
  async function decide(ctx: Context, given: string, decision: 'approve' | 'reject', reason: string): Promise<string> {
    const id = await resolveId(deps, given);
    const row = id ? await getRequest(deps.db, id) : undefined;
    const approver = approverOf(ctx);
    if (!approver) {
      await appendAudit(deps.db, {
        traceId: row?.trace_id ?? `telegram:${ctx.update.update_id}`,
        actor: `telegram:${ctx.from?.id ?? 'unknown'}`,
        channel: 'telegram',
        action: 'telegram.denied',
        subjectType: 'approval',
        subjectId: row?.id ?? given,
        data: { decision, updateId: ctx.update.update_id },
        at: deps.clock.now(),
      });
      return 'You are not allowed to decide approvals.';
    }
    if (!row) return `No pending request matches "${given}".`;
    try {
      const outcome = await recordDecision(deps, row.id, {
        channel: 'telegram',
        actor: approver.name,
        actorPerson: approver.person ?? approver.name,
        actorRoles: approver.roles,
        decision,
        reason,
        payloadHash: row.payload_hash,
      });
      if (outcome.result === 'expired') return 'This request has expired.';
      if (outcome.result === 'already_decided') return `Already decided: ${outcome.status}.`;
      return `${outcome.message} (status: ${outcome.status})`;
    } catch (error) {
      if (error instanceof ApprovalNotFoundError) return `No request ${given}.`;
      throw error;
    }
  }

  bot.on('callback_query:data', async (ctx) => {
    const parsed = decodeCallback(ctx.callbackQuery.data, secret);
    const text = parsed ? await decide(ctx, parsed.requestId, parsed.decision, `${parsed.decision === 'approve' ? 'approved' : 'rejected'} on Telegram`) : 'This button is not valid.';
    await ctx.answerCallbackQuery({ text, show_alert: text.startsWith('You are not allowed') });
  });

  bot.command('approve', async (ctx) => {
    const [id] = ctx.match.trim().split(/\s+/);
    await ctx.reply(id ? await decide(ctx, id, 'approve', ctx.match.trim().slice(id.length).trim()) : 'Usage: /approve ID');
  });

  bot.command('reject', async (ctx) => {
    const [id, ...words] = ctx.match.trim().split(/\s+/);
    const reason = words.join(' ');
    await ctx.reply(id && reason ? await decide(ctx, id, 'reject', reason) : 'Usage: /reject ID reason');
  });

  bot.command('pending', async (ctx) => {
    if (!approverOf(ctx)) {
      await ctx.reply('You are not allowed to see approvals.');
      return;
    }
    const { items } = await approvalList(deps, { status: ['pending'], limit: 20, offset: 0 });
    await ctx.reply(
      items.length === 0
        ? 'Nothing is waiting for approval.'
        : items.map((a) => `• [${a.priority}] ${a.kind}: ${a.summary}\n  ${a.id.slice(0, 8)} · expires ${a.expiresAt}`).join('\n'),
    );
  });

  bot.catch((error) => deps.logger.error({ err: error.error, updateId: error.ctx.update.update_id }, 'telegram update failed'));
  return bot;
}
