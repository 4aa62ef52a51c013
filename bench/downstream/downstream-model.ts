/** How the simulated downstream behaves; every field can be changed while it runs. */
export interface DownstreamConfig {
  /** Work units completed per second (a single message is one unit). @defaultValue 500 */
  capacity: number;
  /** Latency of a request that does not queue. @defaultValue 20 */
  baseLatencyMs: number;
  /** Uniform ± fraction of the base latency. @defaultValue 0.1 */
  latencyJitter: number;
  /** Share of admitted requests answered 500 regardless of load. @defaultValue 0 */
  errorRate: number;
  /** Units absorbed back to back without queueing after an idle spell: where the knee is. @defaultValue capacity / 10, at least 1 */
  burst: number | null;
  /** A request that would queue longer than this is refused with `overloadStatus` and Retry-After. @defaultValue 1000 */
  maxQueueMs: number;
  /** @defaultValue 429 */
  overloadStatus: 429 | 503;
  /** Extra share of 500s, growing linearly with queueing to this value at `maxQueueMs`. @defaultValue 0.2 */
  overloadErrorRate: number;
  /** Units each message after the first in a batch costs. @defaultValue 0.1 */
  batchMessageCost: number;
}

export const DEFAULT_DOWNSTREAM_CONFIG: DownstreamConfig = {
  capacity: 500,
  baseLatencyMs: 20,
  latencyJitter: 0.1,
  errorRate: 0,
  burst: null,
  maxQueueMs: 1000,
  overloadStatus: 429,
  overloadErrorRate: 0.2,
  batchMessageCost: 0.1,
};

export type Admission =
  | { kind: 'served'; status: 200 | 500; latencyMs: number; queuedMs: number }
  | { kind: 'refused'; status: 429 | 503; retryAfterSec: number; queuedMs: number };

export interface DownstreamModel {
  readonly config: Readonly<DownstreamConfig>;
  /** Admits a request of `messages` messages arriving at `nowMs`. */
  admit(nowMs: number, messages: number): Admission;
  /** Applies a partial config (unknown fields ignored); throws RangeError on a value that makes no sense, changing nothing. */
  configure(patch: Partial<DownstreamConfig>): void;
  /** Forgets the queue (not the config). */
  reset(): void;
}

/**
 * A fluid queueing model of a service with capacity C units/s: each admitted
 * request moves a virtual "busy until" time on by cost / C. A request queues for
 * however far that time is beyond the burst allowance, so latency is flat at
 * the base while load stays under C and grows with the backlog past the knee;
 * once the backlog would exceed `maxQueueMs` requests are refused with
 * Retry-After, and 500s grow with queueing.
 */
export function createDownstreamModel(initial: Partial<DownstreamConfig> = {}, random: () => number = Math.random): DownstreamModel {
  const config: DownstreamConfig = { ...DEFAULT_DOWNSTREAM_CONFIG };
  let busyUntil = -Infinity;

  const model: DownstreamModel = {
    config,
    admit(nowMs, messages) {
      const unitMs = 1000 / config.capacity;
      const cost = 1 + Math.max(0, messages - 1) * config.batchMessageCost;
      const burst = config.burst ?? Math.max(1, config.capacity / 10);
      const start = Math.max(busyUntil, nowMs);
      const queuedMs = Math.max(0, start + cost * unitMs - burst * unitMs - nowMs);
      if (queuedMs > config.maxQueueMs) {
        return { kind: 'refused', status: config.overloadStatus, retryAfterSec: Math.max(1, Math.ceil((queuedMs - config.maxQueueMs) / 1000)), queuedMs };
      }
      busyUntil = start + cost * unitMs;
      const failed = random() < config.errorRate + config.overloadErrorRate * (queuedMs / config.maxQueueMs);
      const base = config.baseLatencyMs * (1 + config.latencyJitter * (random() * 2 - 1));
      return { kind: 'served', status: failed ? 500 : 200, latencyMs: Math.max(0, base + queuedMs), queuedMs };
    },
    configure(patch) {
      const known = Object.entries(patch).filter(([k, v]) => k in DEFAULT_DOWNSTREAM_CONFIG && v !== undefined);
      const next: DownstreamConfig = { ...config, ...(Object.fromEntries(known) as Partial<DownstreamConfig>) };
      const positive = (name: keyof DownstreamConfig, v: number) => {
        if (!(Number.isFinite(v) && v > 0)) throw new RangeError(`${name} must be a positive number, got ${v}`);
      };
      const share = (name: keyof DownstreamConfig, v: number) => {
        if (!(Number.isFinite(v) && v >= 0 && v <= 1)) throw new RangeError(`${name} must be between 0 and 1, got ${v}`);
      };
      positive('capacity', next.capacity);
      positive('maxQueueMs', next.maxQueueMs);
      if (!(Number.isFinite(next.baseLatencyMs) && next.baseLatencyMs >= 0)) throw new RangeError(`baseLatencyMs must be >= 0, got ${next.baseLatencyMs}`);
      if (!(Number.isFinite(next.batchMessageCost) && next.batchMessageCost >= 0)) throw new RangeError(`batchMessageCost must be >= 0, got ${next.batchMessageCost}`);
      share('latencyJitter', next.latencyJitter);
      share('errorRate', next.errorRate);
      share('overloadErrorRate', next.overloadErrorRate);
      if (next.burst !== null && !(Number.isFinite(next.burst) && next.burst >= 1)) throw new RangeError(`burst must be >= 1 or null, got ${next.burst}`);
      if (next.overloadStatus !== 429 && next.overloadStatus !== 503) throw new RangeError(`overloadStatus must be 429 or 503, got ${String(next.overloadStatus)}`);
      Object.assign(config, next);
    },
    reset() {
      busyUntil = -Infinity;
    },
  };
  model.configure(initial);
  return model;
}
