import { deliveriesQueue, batchJobId } from '../../../queues/deliveries.js';
import { decisionsOfMany, listRequests } from '../../approvals/store.js';
import { auditByTrace, auditEntries } from '../../audit/store.js';
import { batchSummaries, campaignNames } from '../../campaigns/store.js';
import type { Deps } from '../../deps.js';
import { jobRunsByTrace } from '../../jobs/runs-store.js';
import { BOARD_PATH } from '../../api/board.js';

/** One thing that happened in a workflow, on the trace view's timeline. */
export interface TraceItem {
  at: number;
  /** When it ended, for things that take time (job runs, delivery batches). */
  endAt: number | null;
  kind: 'audit' | 'approval' | 'decision' | 'job' | 'batch' | 'pause';
  title: string;
  detail: string;
  actor: string | null;
  status: string | null;
  href: string | null;
  /** Bull Board's page of the job, for jobs. */
  boardHref: string | null;
}

export const boardJobHref = (queue: string, jobId: string) => `${BOARD_PATH}/queue/${encodeURIComponent(queue)}/${encodeURIComponent(jobId)}`;

const PAUSE_ACTIONS = ['campaign.paused', 'campaign.resumed'];

/**
 * Everything recorded under one trace id, on one timeline: audit entries,
 * approval requests and their decisions, job runs, the delivery batches of a
 * campaign started in it, and that campaign's pauses and resumes whichever
 * trace they came from (an auto-pause runs under the Ops agent's own).
 */
export async function traceTimeline(deps: Deps, traceId: string): Promise<{ items: TraceItem[]; campaigns: { id: string; name: string }[] }> {
  const [audit, requests, runs] = await Promise.all([
    auditByTrace(deps.db, traceId),
    listRequests(deps.db, { traceId, limit: 100, offset: 0 }),
    jobRunsByTrace(deps.db, traceId),
  ]);
  const decisions = await decisionsOfMany(deps.db, requests.rows.map((r) => r.id));
  const campaignIds = new Set(audit.filter((e) => e.subject_type === 'campaign').map((e) => e.subject_id));
  for (const r of requests.rows) if (typeof r.payload.campaignId === 'string') campaignIds.add(r.payload.campaignId);
  const started = new Set(audit.filter((e) => e.action === 'campaign.started').map((e) => e.subject_id));
  const names = await campaignNames(deps.db, [...campaignIds]);
  const seen = new Set(audit.map((e) => String(e.id)));
  const items: TraceItem[] = [];
  const ms = (v: Date | string) => new Date(v).getTime();

  for (const e of audit) {
    const campaign = e.subject_type === 'campaign' ? names.get(e.subject_id) : undefined;
    items.push({
      at: ms(e.at),
      endAt: null,
      kind: PAUSE_ACTIONS.includes(e.action) ? 'pause' : 'audit',
      title: e.action,
      detail: [campaign ? `campaign ${campaign}` : `${e.subject_type} ${e.subject_id}`, typeof e.data.reason === 'string' ? e.data.reason : ''].filter(Boolean).join(' — '),
      actor: e.actor,
      status: null,
      href: e.subject_type === 'campaign' ? `/dashboard/campaigns/${e.subject_id}` : e.subject_type === 'approval' ? `/dashboard/approvals/${e.subject_id}` : null,
      boardHref: null,
    });
  }
  for (const r of requests.rows) {
    items.push({
      at: ms(r.created_at),
      endAt: r.decided_at ? ms(r.decided_at) : null,
      kind: 'approval',
      title: `approval request: ${r.kind}`,
      detail: `${r.summary} (${r.priority} priority, needs ${r.required_channels.join(' and ')})`,
      actor: r.requester,
      status: r.status,
      href: `/dashboard/approvals/${r.id}`,
      boardHref: null,
    });
  }
  for (const d of decisions) {
    items.push({
      at: ms(d.decided_at),
      endAt: null,
      kind: 'decision',
      title: `${d.decision === 'approve' ? 'approved' : 'rejected'} on ${d.channel}`,
      detail: d.reason,
      actor: d.actor,
      status: d.decision,
      href: `/dashboard/approvals/${d.request_id}`,
      boardHref: null,
    });
  }
  for (const run of runs) {
    items.push({
      at: ms(run.started_at),
      endAt: run.finished_at ? ms(run.finished_at) : null,
      kind: 'job',
      title: `${run.queue} job ${run.job_name}`,
      detail: `attempt ${run.attempt} on ${run.worker}${run.error ? ` — ${run.error}` : ''}`,
      actor: null,
      status: run.status,
      href: null,
      boardHref: boardJobHref(run.queue, run.job_id),
    });
  }
  for (const id of campaignIds) {
    if (started.has(id)) {
      for (const b of await batchSummaries(deps.db, id)) {
        if (!b.firstAt) continue;
        items.push({
          at: b.firstAt.getTime(),
          endAt: b.lastAt?.getTime() ?? null,
          kind: 'batch',
          title: `deliveries batch ${b.batchNo}`,
          detail: `${b.delivered} of ${b.messages} delivered${b.dead ? `, ${b.dead} given up` : ''}, up to ${b.attempts} attempt${b.attempts === 1 ? '' : 's'}`,
          actor: null,
          status: b.delivered + b.dead === b.messages ? 'finished' : 'outstanding',
          href: `/dashboard/campaigns/${id}`,
          boardHref: boardJobHref(deliveriesQueue.name, batchJobId(id, b.batchNo)),
        });
      }
    }
    for (const e of await auditEntries(deps.db, { subjectId: id, actions: PAUSE_ACTIONS, limit: 100, offset: 0 })) {
      if (seen.has(String(e.id))) continue;
      items.push({
        at: ms(e.at),
        endAt: null,
        kind: 'pause',
        title: e.action,
        detail: `campaign ${names.get(id) ?? id}${typeof e.data.reason === 'string' ? ` — ${e.data.reason}` : ''} (trace ${e.trace_id})`,
        actor: e.actor,
        status: null,
        href: `/dashboard/traces/${encodeURIComponent(e.trace_id)}`,
        boardHref: null,
      });
    }
  }
  items.sort((a, b) => a.at - b.at);
  return { items, campaigns: [...names].map(([id, name]) => ({ id, name })) };
}
