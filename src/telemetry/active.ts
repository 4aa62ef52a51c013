import type { Telemetry } from 'bullmq';

/** The running OpenTelemetry SDK of this process; null while tracing is off (the default). */
export interface ActiveTelemetry {
  /** BullMQ's telemetry interface (bullmq-otel): producer spans on enqueue, consumer spans in workers, context in job options. */
  bullmq: Telemetry;
  /** Exports every finished span now (tests, and before exit). */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

let active: ActiveTelemetry | null = null;

export function setActiveTelemetry(telemetry: ActiveTelemetry | null): void {
  active = telemetry;
}

export function activeTelemetry(): ActiveTelemetry | null {
  return active;
}

/** For `new Queue(…)` / `new Worker(…)` options: `{ telemetry }` when tracing is on, nothing otherwise. */
export function bullmqTelemetryOption(): { telemetry?: Telemetry } {
  return active ? { telemetry: active.bullmq } : {};
}

/** Flushes and stops the SDK; nothing to do when tracing is off. Idempotent. */
export async function shutdownTelemetry(): Promise<void> {
  const current = active;
  active = null;
  await current?.shutdown();
}
