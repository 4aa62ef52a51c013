import { chainSeq } from '../audit/row.js';
import { auditBySubject } from '../audit/store.js';
import type { Deps } from '../deps.js';
import { ApprovalNotFoundError } from './errors.js';
import { approvalCard, cardText } from './card.js';
import { webhooksOf } from './webhooks.js';
import { decisionsOf, decisionsOfMany, getRequest, listRequests, type RequestFilter } from './store.js';
import { type ApprovalDetail, type ApprovalView, toDetail, toView } from './view.js';

export async function approvalDetail(deps: Deps, id: string): Promise<ApprovalDetail> {
  const row = await getRequest(deps.db, id);
  if (!row) throw new ApprovalNotFoundError(id);
  const audit = await auditBySubject(deps.db, id);
  const history = audit.map((a) => ({ seq: chainSeq(a), at: new Date(a.at).toISOString(), actor: a.actor, channel: a.channel, action: a.action, data: a.data }));
  const card = approvalCard({ kind: row.kind, source: row.source, summary: row.summary, payload: row.payload, evaluation: row.evaluation }, deps.clock.now());
  return toDetail(row, await decisionsOf(deps.db, id), cardText(card), deps.config.approvals.dualChannelMinPriority, { webhooks: await webhooksOf(deps, id), history, card });
}

export async function approvalList(deps: Deps, filter: RequestFilter): Promise<{ items: ApprovalView[]; hasMore: boolean }> {
  const { rows, hasMore } = await listRequests(deps.db, filter);
  // The decisions of the whole page in one query (was one per request: 51 queries for the pending list).
  const decisions = new Map(rows.map((r) => [r.id, [] as Awaited<ReturnType<typeof decisionsOf>>]));
  for (const d of await decisionsOfMany(deps.db, [...decisions.keys()])) decisions.get(d.request_id)!.push(d);
  const items = rows.map((row) => toView(row, decisions.get(row.id)!.sort((a, b) => Number(a.id) - Number(b.id)), deps.config.approvals.dualChannelMinPriority));
  return { items, hasMore };
}

/** A full id, or an unambiguous prefix of at least 8 characters of a pending request's id (for chat commands). */
export async function resolveId(deps: Deps, given: string): Promise<string | null> {
  if (/^[0-9a-f-]{36}$/i.test(given)) return given.toLowerCase();
  if (!/^[0-9a-f-]{8,35}$/i.test(given)) return null;
  const rows = await deps.db.selectFrom('approval_requests').select('id').where('status', '=', 'pending').execute();
  const matches = rows.filter((r) => r.id.startsWith(given.toLowerCase()));
  return matches.length === 1 ? matches[0]!.id : null;
}
