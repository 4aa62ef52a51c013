import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { latestAnalyses } from './store.js';

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

/** The latest hourly result of every experiment, as `GET /growth/metrics` serves it. */
export async function growthMetrics(db: Kysely<Database>, now: Date) {
  const rows = await latestAnalyses(db);
  const experiments = rows.map((row) => {
    const r = row.result as unknown as StoredResult;
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
      arms: r.analysis.arms,
      mechanisms: r.effectiveness,
      reallocation: r.reallocation,
      proposals: r.proposals,
      notes: r.notes,
    };
  });
  return { generatedAt: now.toISOString(), experiments };
}
