import { type ApiClient, poll } from './api-client.js';

export interface CampaignState {
  id: string;
  name: string;
  status: string;
  statusReason: string | null;
  audienceSize: number | null;
  launchedAt: string | null;
  finishedAt: string | null;
  progress: { delivered: number; failed: number; retrying: number; remaining: number; total: number; ratePerSec: number; etaSec: number | null };
  limits: { concurrency?: number; ratePerSec?: number; batchSize?: number; paused: boolean; blockedUntil: number | null };
}

export interface LaunchOutcome {
  outcome: 'applied' | 'refused' | 'approval_requested';
  reason?: string;
  request?: { id: string };
  campaign: { status: string };
}

export interface JobView {
  id: string;
  state: string;
  result: unknown;
  failedReason: string | null;
  traceId: string | null;
}

export const getCampaign = (api: ApiClient, id: string) => api.json<CampaignState>('GET', `/api/v1/campaigns/${id}`);

/** Polls the campaign until `done` holds; `onTick` sees every reading (progress lines). */
export function watchCampaign(api: ApiClient, id: string, done: (c: CampaignState) => boolean, options: { what: string; timeoutMs: number; onTick?: (c: CampaignState) => void }) {
  return poll(async () => {
    const c = await getCampaign(api, id);
    options.onTick?.(c);
    if (['failed', 'cancelled'].includes(c.status) && !done(c)) throw new Error(`campaign ${c.name} is ${c.status}${c.statusReason ? `: ${c.statusReason}` : ''}`);
    return done(c) ? c : undefined;
  }, { what: options.what, timeoutMs: options.timeoutMs, everyMs: 500 });
}

/** Runs an agent now (`POST /api/v1/jobs/:queue`) and waits for its result. */
export async function runJob<T>(api: ApiClient, queue: string, timeoutMs: number): Promise<{ job: JobView; result: T }> {
  const queued = await api.json<{ id: string; traceId: string }>('POST', `/api/v1/jobs/${queue}`, { body: {} });
  const job = await poll(async () => {
    const view = await api.json<JobView>('GET', `/api/v1/jobs/${queue}/${encodeURIComponent(queued.id)}`);
    if (view.state === 'failed') throw new Error(`${queue} job ${queued.id} failed: ${view.failedReason}`);
    return view.state === 'completed' ? view : undefined;
  }, { what: `the ${queue} job`, timeoutMs, everyMs: 300 });
  return { job, result: job.result as T };
}

/** The limits and p95 latency the Ops agent reported last for a campaign (ops monitor snapshot). */
export async function opsView(api: ApiClient, campaignId: string) {
  const metrics = await api.json<{
    current: { campaigns?: Record<string, { p95LatencyMs: number | null; limit: number | null; reason: string | null; capacityPerSec: number | null; goodputPerSec: number }>; capacity?: Record<string, { perSec: number; measuredAt: string }> } | null;
  }>('GET', '/api/v1/ops/metrics?history=1');
  return { campaign: metrics.current?.campaigns?.[campaignId] ?? null, capacity: metrics.current?.capacity ?? {} };
}
