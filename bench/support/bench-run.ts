import type { BenchDownstream } from './processes.js';
import { closeScenario, type Scenario } from './scenario.js';

/**
 * What a bench has open (its scenario, the downstream, worker processes), closed on the way out
 * whatever happens: at its end, on SIGINT or SIGTERM, or when the watchdog gives up.
 */
export class BenchRun {
  open: Scenario | undefined;
  downstream: BenchDownstream | undefined;
  private readonly watchdog: NodeJS.Timeout;

  constructor(
    private readonly workers: { cleanup(): Promise<void> },
    note: (line: string) => void,
    watchdogMs = 10 * 60 * 1000,
  ) {
    this.watchdog = setTimeout(() => {
      note(`watchdog: still running after ${watchdogMs / 1000}s, giving up`);
      process.exitCode = 1;
      void this.shutdown().finally(() => process.exit(1));
    }, watchdogMs);
    this.watchdog.unref();
    process.once('SIGINT', () => void this.shutdown().finally(() => process.exit(130)));
    process.once('SIGTERM', () => void this.shutdown().finally(() => process.exit(143)));
  }

  async shutdown(): Promise<void> {
    if (this.open) await closeScenario(this.open).catch(() => {});
    this.open = undefined;
    await this.workers.cleanup();
    this.downstream?.child.kill('SIGKILL');
  }

  async finish(): Promise<void> {
    await this.shutdown();
    clearTimeout(this.watchdog);
  }
}
