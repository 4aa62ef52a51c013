import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

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

/** Starts one process of a Procfile type, like `foreman start worker=N` does for each. */
export function startProcess(type: string, env: Record<string, string>): RunningProcess {
  const command = readProcfile()[type];
  if (!command) throw new Error(`Procfile has no ${type} process`);
  const child = spawn('sh', ['-c', `exec ${command}`], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited, signal: (signal) => child.kill(signal) };
}
