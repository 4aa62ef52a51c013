import { betaAnalysisQueue } from '../queues/beta-analysis.js';
import { runAnalysis } from '../src/beta/analysis.js';
import { defineWorker } from './define.js';

export const betaAnalysisWorker = defineWorker({
  queue: betaAnalysisQueue,
  async process({ deps, traceId }) {
    return runAnalysis(deps, traceId);
  },
});
