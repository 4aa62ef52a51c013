import { type ApiClient, poll } from './api-client.js';
import type { Reporter } from './reporter.js';

export interface ApprovalSummary {
  id: string;
  kind: string;
  summary: string;
  priority: string;
  status: string;
  requester: string;
  requiredChannels: string[];
  reasons: string[];
  expiresAt: string;
  resolution: string | null;
}
interface ApprovalDetail extends ApprovalSummary {
  payload: Record<string, unknown>;
  payloadHash: string;
  decisions: { channel: string; actor: string; decision: string }[];
}
interface DecisionAnswer {
  result: string;
  message: string;
  status: string;
}

export interface ApprovalContext {
  api: ApiClient;
  reporter: Reporter;
  /** `--yes`: answer through the API as the approvers; otherwise wait for a person on the dashboard. */
  autoApprove: boolean;
  /** Approver tokens, in the order they answer (a request may need two different people). */
  approverTokens: readonly string[];
  approverNames: readonly string[];
}

/** The first pending request of `kind` matching `match`, once there is one. */
export async function pendingApproval(api: ApiClient, kind: string, match: (a: ApprovalSummary) => boolean, options: { what: string; timeoutMs: number }): Promise<ApprovalSummary> {
  return poll(async () => {
    const page = await api.json<{ items: ApprovalSummary[] }>('GET', `/api/v1/approvals/pending?kind=${encodeURIComponent(kind)}&limit=50`);
    return page.items.find(match);
  }, { ...options, everyMs: 300 });
}

/**
 * Settles one approval request: with `--yes` the approvers approve it through
 * the API (a second approver when the first answer leaves it pending);
 * otherwise the demo prints where to decide and waits for a person. Resolves
 * with the final request; anything but `approved` is for the caller to judge.
 */
export async function settleApproval(ctx: ApprovalContext, request: ApprovalSummary, reason: string): Promise<ApprovalDetail> {
  const url = `${ctx.api.baseUrl}/dashboard/approvals/${request.id}`;
  ctx.reporter.info(`approval waiting: ${request.summary}`);
  ctx.reporter.info(`  ${request.kind}, priority ${request.priority}, requested by ${request.requester}${request.reasons.length ? `: ${request.reasons.join('; ')}` : ''}`);
  ctx.reporter.info(`  decide at ${url}`);
  if (!ctx.autoApprove) {
    ctx.reporter.info(`  waiting for a decision on the dashboard (until ${request.expiresAt}); log in at ${ctx.api.baseUrl}/login with the printed token`);
    const decided = await poll(async () => {
      const detail = await ctx.api.json<ApprovalDetail>('GET', `/api/v1/approvals/${request.id}`);
      return detail.status === 'pending' ? undefined : detail;
    }, { what: `a decision on ${url}`, timeoutMs: Math.max(1000, Date.parse(request.expiresAt) - Date.now() + 5000), everyMs: 1000 });
    ctx.reporter.info(`  ${decided.resolution ?? decided.status}`);
    return decided;
  }
  for (const [i, token] of ctx.approverTokens.entries()) {
    // Read as the approver sees it: the decision binds to this payload hash.
    const detail = await ctx.api.json<ApprovalDetail>('GET', `/api/v1/approvals/${request.id}`, { token });
    if (detail.status !== 'pending') return detail;
    const answer = await ctx.api.json<DecisionAnswer>('POST', `/api/v1/approvals/${request.id}/decision`, {
      token,
      body: { decision: 'approve', reason, payloadHash: detail.payloadHash },
      ok: [200, 409],
    });
    ctx.reporter.info(`  --yes: ${ctx.approverNames[i] ?? `approver ${i + 1}`} approved on the console: ${answer.result}, ${answer.message}`);
    if (answer.result === 'refused') throw new Error(`the approval of ${request.id} was refused: ${answer.message}`);
    if (answer.status !== 'pending') break;
  }
  const final = await ctx.api.json<ApprovalDetail>('GET', `/api/v1/approvals/${request.id}`);
  if (final.status === 'pending') throw new Error(`approval ${request.id} is still pending after every approver answered`);
  return final;
}
