import { parseArgs } from 'node:util';

export interface DemoOptions {
  /** Approvals are answered through the API by the demo's approvers instead of waiting for a person. */
  yes: boolean;
  /** Leave the system up after the scenario until SIGINT/SIGTERM (default without --yes). */
  keepRunning: boolean;
  /** Where config, data, logs and the sprint report go; default a new temporary folder. */
  workDir: string | null;
  /** The dashboard's port, kept while --keep-running holds the system up; null: any free port. */
  port: number | null;
  seed: number | null;
  help: boolean;
}

export const USAGE = `Usage: npm run demo -- [--yes] [--keep-running] [--port N] [--work-dir DIR] [--seed N]

Starts Flywheel on embedded PGlite with a simulated downstream and synthetic
tenants, users, events and feedback, and walks through the loop: a campaign
planned inside capacity, its launch approval, adaptive delivery, an auto-pause
when the downstream collapses, the experiment's winner and reward proposal, Beta
candidates and the sprint report.

  --yes            answer approvals through the API (as the demo approvers)
                   instead of waiting for a decision on the dashboard
  --keep-running   keep the system up after the scenario until Ctrl-C
                   (the default without --yes)
  --port N         the dashboard's port (default: any free port)
  --work-dir DIR   where config, data, logs and the report go (default: a temp folder)
  --seed N         seed of the synthetic data

Prints DASHBOARD_URL=… and TOKEN=… (log in at DASHBOARD_URL/login) and, at the
end, one line "SUMMARY {json}". Exit status: 0 done, 1 a step failed or ran over
its time budget, 2 usage error.`;

export class DemoUsageError extends Error {
  override name = 'DemoUsageError';
}

export function parseDemoArgs(argv: readonly string[]): DemoOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        yes: { type: 'boolean', short: 'y', default: false },
        'keep-running': { type: 'boolean', default: false },
        'work-dir': { type: 'string' },
        port: { type: 'string', short: 'p' },
        seed: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new DemoUsageError(error instanceof Error ? error.message : String(error));
  }
  const { values } = parsed;
  const seed = values.seed === undefined ? null : Number(values.seed);
  if (seed !== null && !Number.isSafeInteger(seed)) throw new DemoUsageError(`--seed must be an integer, got ${values.seed}`);
  const port = values.port === undefined ? null : Number(values.port);
  if (port !== null && !(Number.isInteger(port) && port >= 1 && port <= 65535))
    throw new DemoUsageError(`--port must be a port number (1-65535), got ${values.port}`);
  return {
    yes: values.yes === true,
    keepRunning: values['keep-running'] === true || values.yes !== true,
    workDir: values['work-dir'] ?? null,
    port,
    seed,
    help: values.help === true,
  };
}
