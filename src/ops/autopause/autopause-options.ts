/** Limits a campaign's windows are held to; null turns a check off. */
export interface AutopauseThresholds {
  /** @defaultValue 2000 */
  p95LatencyMs: number | null;
  /** Share of failed sends, every failure counted (a bad audience list is a reason to stop too). @defaultValue 0.05 */
  errorRate: number | null;
  /** Age of the campaign's oldest waiting job. @defaultValue 900 */
  backlogAgeSec: number | null;
}

export interface AutopauseOptions {
  /** @defaultValue DEFAULT_AUTOPAUSE_THRESHOLDS */
  thresholds: AutopauseThresholds;
  /** Consecutive breaching windows before a pause: one bad window is noise. @defaultValue 3 */
  breachWindows: number;
  /** Consecutive healthy windows before a resume (or a request to resume). @defaultValue 5 */
  healthyWindows: number;
  /** Resume on its own after `healthyWindows`; otherwise ask for approval. @defaultValue false */
  autoResume: boolean;
  /** Windows with fewer samples are not judged on latency or error rate: 1 failure in 3 is not a 33% error rate. @defaultValue 20 */
  minSamples: number;
  /**
   * While paused, a window counts as healthy only with every metric at or under this
   * fraction of its threshold, so a campaign hovering at the threshold does not
   * pause and resume in turn.
   * @defaultValue 0.8
   */
  resumeMargin: number;
}

export const DEFAULT_AUTOPAUSE_THRESHOLDS: AutopauseThresholds = { p95LatencyMs: 2000, errorRate: 0.05, backlogAgeSec: 900 };

export const DEFAULT_AUTOPAUSE_OPTIONS: AutopauseOptions = {
  thresholds: DEFAULT_AUTOPAUSE_THRESHOLDS,
  breachWindows: 3,
  healthyWindows: 5,
  autoResume: false,
  minSamples: 20,
  resumeMargin: 0.8,
};
