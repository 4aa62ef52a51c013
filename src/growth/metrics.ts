import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { dailyAnalyses, latestAnalyses, proposalRequests } from './store.js';

interface StoredResult {
  analysedAt: string;
  campaignId: string;
  campaignName: string;
  campaignStatus: string;
  goalEvent: string;
  expectedWeightsSource: string;
  analysis: {
    state?: 'ok' | 'invalid input';
    reason?: string;
    engine?: string;
    controlArm: string;
    alpha: number;
    correction: string;
    minSamplePerArm: number;
    srm: Record<string, unknown>;
    minSampleReached: boolean;
    arms: Record<string, unknown>[];
  };
  effectiveness: Record<string, unknown>[];
  reallocation: Record<string, unknown> | null;
  proposals: Record<string, unknown>[];
  notes: string[];
}

interface StoredArm {
  arm: string;
  exposures: number;
  vsControl: { absoluteUplift: { estimate: number | null; lower: number | null; upper: number | null }; relativeUplift: { estimate: number | null; lower: number | null; upper: number | null } } | null;
}

/** One day's lift of each variant (its last analysis that day); null bounds where the interval did not exist. */
function dailyLifts(rows: Awaited<ReturnType<typeof dailyAnalyses>>) {
  return rows.map((row) => {
    const arms = ((row.result as unknown as StoredResult).analysis.arms ?? []) as unknown as StoredArm[];
    return {
      day: new Date(row.day).toISOString().slice(0, 10),
      arms: arms.filter((a) => a.vsControl).map((a) => ({ arm: a.arm, exposures: a.exposures, absolute: a.vsControl!.absoluteUplift, relative: a.vsControl!.relativeUplift })),
    };
  });
}

/** The latest hourly result of every experiment, as `GET /growth/metrics` serves it, with its history by day and its approval requests. */
export async function growthMetrics(db: Kysely<Database>, now: Date) {
  const rows = await latestAnalyses(db);
  const experiments = await Promise.all(
    rows.map(async (row) => {
      const r = row.result as unknown as StoredResult;
      const [daily, requests] = await Promise.all([dailyAnalyses(db, row.experiment_id), proposalRequests(db, row.experiment_id)]);
      const arms = r.analysis.arms as unknown as StoredArm[];
      return {
        experimentId: row.experiment_id,
        key: row.key,
        campaignId: row.campaign_id,
        campaignName: r.campaignName,
        campaignStatus: r.campaignStatus,
        goalEvent: r.goalEvent,
        analysisId: String(row.id),
        traceId: row.trace_id,
        analysedAt: new Date(row.analysed_at).toISOString(),
        // Analyses stored before result states existed were all computed ('ok') with Flywheel's engine.
        state: r.analysis.state ?? 'ok',
        ...(r.analysis.reason ? { reason: r.analysis.reason } : {}),
        engine: r.analysis.engine ?? 'flywheel',
        controlArm: r.analysis.controlArm,
        alpha: r.analysis.alpha,
        correction: r.analysis.correction,
        srm: { ...r.analysis.srm, expected: r.expectedWeightsSource },
        minSamplePerArm: r.analysis.minSamplePerArm,
        minSampleReached: r.analysis.minSampleReached,
        /** Progress towards the planned sample: every arm at minSamplePerArm. */
        sample: { exposures: arms.reduce((s, a) => s + a.exposures, 0), planned: r.analysis.minSamplePerArm * arms.length },
        arms: r.analysis.arms,
        mechanisms: r.effectiveness,
        reallocation: r.reallocation,
        proposals: r.proposals,
        /** Every approval request filed for the experiment, with its state now. */
        proposalRequests: requests.map((q) => ({ id: q.id, kind: q.kind, summary: q.summary, status: q.status, createdAt: new Date(q.created_at).toISOString(), decidedAt: q.decided_at ? new Date(q.decided_at).toISOString() : null })),
        daily: dailyLifts(daily),
        notes: r.notes,
      };
    }),
  );
  return { generatedAt: now.toISOString(), experiments };
}
