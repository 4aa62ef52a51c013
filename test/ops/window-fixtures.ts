import { computeWindowStats, type LatencySample, type WindowStats } from '../../src/ops/window-stats.js';

export interface WindowSpec {
  /** Successful samples, each with this latency (or one per entry). */
  ok?: number;
  latencyMs?: number | number[];
  /** Failed samples, added as given (their `at` is filled in). */
  failures?: Omit<LatencySample, 'at'>[];
  durationMs?: number;
}

/** Stats of a window ending at `endAt`, built from synthetic samples spread over it. */
export function windowAt(endAt: number, spec: WindowSpec = {}): WindowStats {
  const { ok = 20, latencyMs = 100, failures = [], durationMs = 100 } = spec;
  const samples: LatencySample[] = [];
  const total = ok + failures.length;
  const at = (i: number) => endAt - durationMs + ((i + 1) * durationMs) / total;
  for (let i = 0; i < ok; i += 1) {
    const latency = Array.isArray(latencyMs) ? (latencyMs[i % latencyMs.length] ?? 100) : latencyMs;
    samples.push({ at: at(i), latencyMs: latency, ok: true, status: 200 });
  }
  failures.forEach((failure, i) => samples.push({ ...failure, at: at(ok + i) }));
  return computeWindowStats(samples, { endAt, durationMs });
}

/** Freezes an object graph, so a test fails if a pure function writes to its input. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
