export type ComponentName = 'ops' | 'growth' | 'beta' | 'approvals' | 'telegram';
export const COMPONENTS: readonly ComponentName[] = ['ops', 'growth', 'beta', 'approvals', 'telegram'];

export type Health = 'ok' | 'failing' | 'stale' | 'waiting_first_run' | 'disabled';

export interface LastRun {
  status: string;
  startedAt: Date;
}

/**
 * A scheduled component is healthy when its last run succeeded and is recent:
 * no run for three intervals means its schedule or workers are not running.
 */
export function componentHealth(input: {
  enabled: boolean;
  everyMs: number | null;
  lastRun: LastRun | null;
  now: Date;
}): Health {
  if (!input.enabled) return 'disabled';
  if (!input.lastRun) return 'waiting_first_run';
  if (input.lastRun.status === 'failed') return 'failing';
  if (input.everyMs !== null && input.now.getTime() - input.lastRun.startedAt.getTime() > 3 * input.everyMs) return 'stale';
  return 'ok';
}
