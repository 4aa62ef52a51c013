/** Worker auto-scaling options; every bound and delay applies per queue. */
export interface ScalingOptions {
  /** @defaultValue 1 */
  minWorkers: number;
  /** @defaultValue 10 */
  maxWorkers: number;
  /** Size the pool to drain the backlog within this many seconds. @defaultValue 300 */
  targetDrainSec: number;
  /**
   * When the oldest waiting job is older than this, the pool grows in proportion
   * (current × age / this), whatever the throughput estimate says: the safety net
   * for a wrong or stale estimate.
   * @defaultValue 600
   */
  maxQueueAgeSec: number;
  /** No scale-up sooner than this after the worker count last changed: new workers need time to show in the metrics. @defaultValue 60 */
  scaleUpCooldownSec: number;
  /** No scale-down sooner than this after the worker count last changed. @defaultValue 300 */
  scaleDownCooldownSec: number;
  /**
   * Scale down only to the highest recommendation made within this window
   * (Kubernetes HPA's downscale stabilization, default 300 s there too).
   * @defaultValue 300
   */
  stabilizationWindowSec: number;
  /** A recommendation within this fraction of the current count is not acted on (HPA's tolerance). @defaultValue 0.1 */
  tolerance: number;
}

export const DEFAULT_SCALING_OPTIONS: ScalingOptions = {
  minWorkers: 1,
  maxWorkers: 10,
  targetDrainSec: 300,
  maxQueueAgeSec: 600,
  scaleUpCooldownSec: 60,
  scaleDownCooldownSec: 300,
  stabilizationWindowSec: 300,
  tolerance: 0.1,
};
