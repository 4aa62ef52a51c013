import type { ActiveTelemetry } from './active.js';
import { tracingRequested } from './enabled.js';

/**
 * Starts OpenTelemetry tracing when the OTEL_* variables ask for it. The SDK is imported only
 * then, so a process with tracing off loads none of it. Call before the app opens Postgres.
 */
export async function startTelemetry(env: Readonly<Record<string, string | undefined>>, processName: string): Promise<ActiveTelemetry | null> {
  if (!tracingRequested(env)) return null;
  const { startSdk } = await import('./sdk.js');
  return startSdk(env, processName);
}
