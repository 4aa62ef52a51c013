import { betaAnalysisQueue } from '../queues/beta-analysis.js';
import { defineWorker } from './define.js';

export const betaAnalysisWorker = defineWorker({
  queue: betaAnalysisQueue,
  async process({ deps, traceId }) {
    // Loaded on first use: the NLP models weigh ~45 MB, which a worker taking only deliveries should not carry.
    const { runAnalysis } = await import('../src/beta/analysis.js');
    return runAnalysis(deps, traceId);
  },
});
