import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitFor } from './wait-for.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface DemoExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface DemoProcess {
  child: ChildProcess;
  /** The `NAME=value` lines printed so far (DASHBOARD_URL, TOKEN, DEMO_STATE, …). */
  values: Record<string, string>;
  /** stdout and stderr so far, interleaved. */
  output(): string;
  stdout(): string;
  /** Milliseconds since the spawn. */
  elapsedMs(): number;
  exited: Promise<DemoExit>;
  /** SIGTERM (the demo stops Flywheel and the downstream first), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<DemoExit>;
}

/** Spawns `scripts/demo.ts` (what `npm run demo` runs) with `args`, its output collected. */
export function spawnDemo(args: string[], env: Record<string, string> = {}): DemoProcess {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const values: Record<string, string> = {};
  let output = '';
  let stdout = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    stdout += chunk.toString();
    for (const match of stdout.matchAll(/^([A-Z_]+)=(\S+)$/gm)) values[match[1]!] = match[2]!;
  });
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<DemoExit>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    values,
    output: () => output,
    stdout: () => stdout,
    elapsedMs: () => Date.now() - started,
    exited,
    async stop(graceMs = 30_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const exit = await exited;
      clearTimeout(kill);
      return exit;
    },
  };
}

/** Runs the demo to its end; past `limitMs` it is stopped (and the caller's assertions fail on it). */
export async function runDemoToEnd(args: string[], env: Record<string, string>, limitMs: number): Promise<DemoProcess & { exit: DemoExit; ms: number }> {
  const demo = spawnDemo(args, env);
  const timer = setTimeout(() => void demo.stop(), limitMs);
  const exit = await demo.exited;
  clearTimeout(timer);
  return { ...demo, exit, ms: demo.elapsedMs() };
}

/** `--keep-running`: resolves once the demo prints DEMO_STATE=running; fails if it exits first. */
export async function startKeptDemo(args: string[], options: { env?: Record<string, string>; timeoutMs: number }): Promise<DemoProcess> {
  const demo = spawnDemo(['--keep-running', ...args], options.env);
  const running = waitFor(() => demo.values.DEMO_STATE === 'running', { timeoutMs: options.timeoutMs, what: 'the demo scenario' });
  try {
    await Promise.race([
      running,
      demo.exited.then((exit) => {
        throw new Error(`the demo exited (${exit.signal ?? exit.code}) before it was running:\n${demo.output().slice(-3000)}`);
      }),
    ]);
  } catch (error) {
    running.catch(() => {});
    await demo.stop(5000);
    throw error;
  }
  return demo;
}
