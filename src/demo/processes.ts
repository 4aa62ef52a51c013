import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { withoutEnvOverrides } from '../config/env-overrides.js';

/** The repository root: children run from it so `--import tsx` and relative paths resolve. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export class DemoProcessError extends Error {
  override name = 'DemoProcessError';
}

export interface Child {
  name: string;
  process: ChildProcess;
  /** Where its stdout and stderr go. */
  logPath: string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it exited. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts `node --import tsx <script>` from the repository root, its output to
 * `logPath`. `onLine` sees each stdout line; the promise it returns settles the start.
 */
function startTsx<T>(
  name: string,
  script: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; logPath: string; timeoutMs: number; ready: (line: string) => T | undefined; onLine?: (line: string) => void },
): Promise<{ child: Child; ready: T }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: REPO_ROOT, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(options.logPath, { flags: 'a' });
  proc.stderr!.pipe(log, { end: false });
  let stopping: Promise<void> | null = null;
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const child: Child = {
    name,
    process: proc,
    logPath: options.logPath,
    stop(graceMs = 15_000) {
      stopping ??= (async () => {
        if (proc.exitCode === null && proc.signalCode === null) {
          proc.kill('SIGTERM');
          const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
          await exited;
          clearTimeout(timer);
        }
        await new Promise<void>((resolve) => log.end(() => resolve()));
      })();
      return stopping;
    },
  };
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (message: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void child.stop(2000).then(() => reject(new DemoProcessError(`${name}: ${message} (log: ${options.logPath})`)));
    };
    const timer = setTimeout(() => fail(`not ready within ${Math.round(options.timeoutMs / 1000)} s`), options.timeoutMs);
    proc.once('exit', (code, signal) => fail(`exited before it was ready (${signal ?? `code ${code}`})`));
    proc.once('error', (error) => fail(error.message));
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      log.write(`${line}\n`);
      options.onLine?.(line);
      if (settled) return;
      const value = options.ready(line);
      if (value === undefined) return;
      settled = true;
      clearTimeout(timer);
      resolve({ child, ready: value });
    });
  });
}

export interface DownstreamOptions {
  secret: string;
  capacity: number;
  baseLatencyMs: number;
  seed: number;
  logPath: string;
}

/** The simulated downstream (bench/downstream/server.ts); its first stdout line is `{"port","url"}`. */
export async function startDownstream(options: DownstreamOptions): Promise<{ child: Child; url: string }> {
  const args = ['--port', '0', '--secret', options.secret, '--capacity', String(options.capacity), '--base-latency-ms', String(options.baseLatencyMs), '--seed', String(options.seed)];
  const { child, ready } = await startTsx('downstream', 'bench/downstream/server.ts', args, {
    env: process.env,
    logPath: options.logPath,
    timeoutMs: 30_000,
    ready: (line) => {
      try {
        const parsed = JSON.parse(line) as { url?: unknown };
        return typeof parsed.url === 'string' ? parsed.url : undefined;
      } catch {
        return undefined;
      }
    },
  });
  return { child, url: ready };
}

/**
 * Seconds from Flywheel's spawn to its start-up log lines: modules loaded and a
 * private redis-server up (or null when it uses one already running), database
 * opened and migrated, HTTP listening.
 */
export interface FlywheelPhases {
  redisSec: number | null;
  migratedSec: number | null;
  listeningSec: number | null;
}

const STARTUP_LINES: [keyof FlywheelPhases, string][] = [
  ['redisSec', 'started a local redis-server'],
  ['migratedSec', 'database migrated'],
  ['listeningSec', 'Flywheel running on'],
];

/**
 * Flywheel's single process (`src/entry/start.ts`: web, workers, bot) on the
 * given config file; ready once it logs the port it listens on.
 */
export async function startFlywheel(options: { configPath: string; adminToken: string; logPath: string; timeoutMs: number }): Promise<{ child: Child; port: number; localRedisUrl: () => string | null; phases: FlywheelPhases }> {
  let localRedisUrl: string | null = null;
  const spawnedAt = Date.now();
  const phases: FlywheelPhases = { redisSec: null, migratedSec: null, listeningSec: null };
  // The demo config names every value itself; nothing of the caller's deployment may leak in.
  const env: NodeJS.ProcessEnv = { ...withoutEnvOverrides(process.env), FLYWHEEL_CONFIG: options.configPath, FLYWHEEL_ADMIN_TOKEN: options.adminToken };
  const { child, ready } = await startTsx('flywheel', 'src/entry/start.ts', [], {
    env,
    logPath: options.logPath,
    timeoutMs: options.timeoutMs,
    onLine: (line) => {
      if (line.includes('started a local redis-server')) localRedisUrl = jsonField(line, 'url') ?? localRedisUrl;
      for (const [phase, text] of STARTUP_LINES) if (phases[phase] === null && line.includes(text)) phases[phase] = Math.round((Date.now() - spawnedAt) / 100) / 10;
    },
    ready: (line) => {
      if (!line.includes('Flywheel running on')) return undefined;
      try {
        const port = (JSON.parse(line) as { port?: unknown }).port;
        return typeof port === 'number' ? port : undefined;
      } catch {
        return undefined;
      }
    },
  });
  return { child, port: ready, localRedisUrl: () => localRedisUrl, phases };
}

function jsonField(line: string, field: string): string | undefined {
  try {
    const value = (JSON.parse(line) as Record<string, unknown>)[field];
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Shuts down the redis-server Flywheel started for the demo, if it still runs:
 * Flywheel stops it on a clean shutdown, but not when it exits on its deadline
 * or is killed. Resolves whether or not one answered.
 */
export function shutdownRedis(url: string): Promise<void> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const done = () => {
      socket.destroy();
      resolve();
    };
    socket.setTimeout(2000, done);
    socket.on('error', done);
    socket.on('close', done);
    socket.on('connect', () => socket.write('SHUTDOWN NOSAVE\r\n'));
  });
}

