import { growthAnalysisQueue } from '../queues/growth-analysis.js';
import { runGrowthAnalysis } from '../src/growth/run-analysis.js';
import { defineWorker } from './define.js';

export const growthAnalysisWorker = defineWorker({
  queue: growthAnalysisQueue,
  process: async ({ deps, traceId }) => runGrowthAnalysis(deps, traceId),
});
