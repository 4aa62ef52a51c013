import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { withoutEnvOverrides } from '../../src/config/env-overrides.js';

/** The process types of the Procfile, as a Procfile runner (foreman, Heroku) reads them. */
export function readProcfile(path = 'Procfile'): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const match = /^([A-Za-z0-9_-]+):\s*(.+)$/.exec(line.trim());
    if (match?.[1] && match[2]) entries[match[1]] = match[2];
  }
  return entries;
}

export interface RunningProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  signal(signal: NodeJS.Signals): void;
}

/** Starts one process of a Procfile type, like `foreman start worker=N` does for each, with only `env` of the documented variables. */
export function startProcess(type: string, env: Record<string, string>): RunningProcess {
  const command = readProcfile()[type];
  if (!command) throw new Error(`Procfile has no ${type} process`);
  const child = spawn('sh', ['-c', `exec ${command}`], { env: { ...withoutEnvOverrides(process.env), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited, signal: (signal) => child.kill(signal) };
}

export interface ProcfileRun {
  processes: Record<string, RunningProcess>;
  /** The first process that exited, as the runner saw it (which then stopped the others). */
  firstExit: Promise<{ type: string; code: number | null }>;
  stop(): Promise<void>;
}

/**
 * Runs every process type of the Procfile at once the way `honcho start` and
 * `foreman start` do: each gets PORT (5000, 5100, ... from `basePort`), and as
 * soon as any one exits the runner stops all the others.
 */
export function runProcfile(env: Record<string, string>, basePort: number): ProcfileRun {
  const processes: Record<string, RunningProcess> = {};
  Object.keys(readProcfile()).forEach((type, i) => {
    processes[type] = startProcess(type, { ...env, PORT: String(basePort + 100 * i) });
  });
  const firstExit = Promise.race(Object.entries(processes).map(([type, p]) => p.exited.then((code) => ({ type, code }))));
  let stopping = false;
  void firstExit.then(() => {
    if (!stopping) for (const p of Object.values(processes)) p.signal('SIGTERM');
  });
  return {
    processes,
    firstExit,
    async stop() {
      stopping = true;
      for (const p of Object.values(processes)) p.signal('SIGTERM');
      await Promise.all(Object.values(processes).map((p) => p.exited));
    },
  };
}
