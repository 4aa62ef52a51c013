import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DownstreamHandle } from './context.js';
import { type DemoTokens, demoConfigYaml } from './demo-config.js';
import { findRedisServer, freePort } from '../redis/local-server.js';
import { clonePgliteTemplate } from './pglite-template.js';
import { type FlywheelPhases, shutdownRedis, startDownstream, startFlywheel } from './processes.js';
import { deleteKeys } from './redis-keys.js';
import { TUNING } from './tuning.js';

export interface DemoSystem {
  baseUrl: string;
  tokens: DemoTokens;
  downstream: DownstreamHandle;
  workDir: string;
  flywheelLog: string;
  /** How Redis was reached, in words. */
  redis: string;
  /** Where the start-up's time went. */
  startup: StartupTimes;
  /** Rejects if Flywheel or the downstream exits before `stop()`. */
  crashed: Promise<never>;
  /** Stops Flywheel, then the downstream; idempotent. `keepData: false` removes the PGlite folder. */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

/** Seconds per phase of the start: the processes run side by side, so the phases overlap. */
export interface StartupTimes {
  totalSec: number;
  downstreamSec: number;
  /** How the embedded database folder came to be (see pglite-template.ts). */
  database: 'cloned' | 'created' | 'kept';
  databaseSec: number;
  flywheelSec: number;
  /** Seconds from Flywheel's spawn to each of its start-up log lines. */
  flywheel: FlywheelPhases;
}

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = Date.now();
  const result = await work();
  return { result, ms: Date.now() - started };
}

const secret = () => randomBytes(16).toString('hex');

/**
 * Starts the simulated downstream and Flywheel's single process on a demo
 * config in `workDir`. Redis: REDIS_URL when set; otherwise a private
 * redis-server Flywheel starts itself (when installed), so a demo never shares
 * queues with anything else; the key prefix is unique per run as well.
 */
export async function startSystem(options: { workDir: string | null; port?: number | null }): Promise<DemoSystem> {
  const workDir = options.workDir ? resolve(options.workDir) : await mkdtemp(join(tmpdir(), 'flywheel-demo-'));
  await mkdir(workDir, { recursive: true });
  const tokens: DemoTokens = { admin: secret(), operator: secret(), approvers: [secret(), secret()] };
  const runId = randomBytes(4).toString('hex');
  let redisUrl = process.env.REDIS_URL ?? '';
  let redis = `REDIS_URL ${redisUrl}`;
  if (!redisUrl) {
    if (findRedisServer()) {
      // Nothing listens there, so Flywheel starts its own redis-server (on another free port) and stops it on exit.
      redisUrl = `redis://127.0.0.1:${await freePort()}`;
      redis = 'a private redis-server started by Flywheel';
    } else {
      redisUrl = 'redis://127.0.0.1:6379';
      redis = `${redisUrl} (redis-server is not installed to start a private one)`;
    }
  }
  const pgliteDir = join(workDir, 'pgdata');
  const redisPrefix = `flywheel-demo-${runId}`;
  const configPath = join(workDir, 'flywheel.demo.yaml');
  await writeFile(configPath, demoConfigYaml({ redisUrl, redisPrefix, pgliteDir, tokens, port: options.port ?? 0 }), { mode: 0o600 });

  const downstreamSecret = secret();
  const flywheelLog = join(workDir, 'flywheel.log');
  const began = Date.now();
  const seconds = (ms: number) => Math.round(ms / 100) / 10;
  // Both are separate processes: started side by side, so neither waits for the other to compile.
  const downstreamStart = timed(() => startDownstream({ secret: downstreamSecret, capacity: TUNING.downstream.capacity, baseLatencyMs: TUNING.downstream.baseLatencyMs, seed: TUNING.seed, logPath: join(workDir, 'downstream.log') }));
  const flywheelStart = (async () => {
    const database = await timed(() => clonePgliteTemplate(pgliteDir));
    const started = await timed(() => startFlywheel({ configPath, adminToken: tokens.admin, logPath: flywheelLog, timeoutMs: 90_000 }));
    return { database, started };
  })();
  const [d, f] = await Promise.allSettled([downstreamStart, flywheelStart]);
  if (d.status === 'rejected' || f.status === 'rejected') {
    if (d.status === 'fulfilled') await d.value.result.child.stop(2000);
    if (f.status === 'fulfilled') await f.value.started.result.child.stop(5000);
    throw d.status === 'rejected' ? d.reason : (f as PromiseRejectedResult).reason;
  }
  const downstream = d.value.result;
  const flywheel = f.value.started.result;
  const startup: StartupTimes = {
    totalSec: seconds(Date.now() - began),
    downstreamSec: seconds(d.value.ms),
    database: f.value.database.result,
    databaseSec: seconds(f.value.database.ms),
    flywheelSec: seconds(f.value.started.ms),
    flywheel: flywheel.phases,
  };
  let stopping: Promise<void> | null = null;
  const crashed = new Promise<never>((_, reject) => {
    for (const child of [flywheel.child, downstream.child]) {
      child.process.once('exit', (code, signal) => {
        if (!stopping) reject(new Error(`${child.name} exited unexpectedly (${signal ?? `code ${code}`}); see ${child.logPath}`));
      });
    }
  });
  crashed.catch(() => {}); // observed by whoever races it
  const control = async (path: string, init?: RequestInit) => {
    const res = await fetch(`${downstream.url}${path}`, { ...init, signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new Error(`downstream ${path} answered ${res.status}: ${await res.text()}`);
    return res.json();
  };
  return {
    baseUrl: `http://127.0.0.1:${flywheel.port}`,
    tokens,
    workDir,
    flywheelLog,
    redis,
    crashed,
    startup,
    downstream: {
      url: downstream.url,
      secret: downstreamSecret,
      configure: async (patch) => void (await control('/_control', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(patch) })),
      stats: async () => (await control('/_stats')) as Awaited<ReturnType<DownstreamHandle['stats']>>,
    },
    stop(stopOptions = {}) {
      stopping ??= (async () => {
        await flywheel.child.stop(20_000);
        // A clean exit (0) stopped its redis-server; an exit on its deadline or a kill leaves it running.
        const localRedis = flywheel.localRedisUrl();
        if (localRedis && flywheel.child.process.exitCode !== 0) await shutdownRedis(localRedis);
        await downstream.child.stop(5000);
        // A private redis-server went with Flywheel; on a shared Redis (REDIS_URL) the run's keys are removed.
        if (!flywheel.localRedisUrl()) await deleteKeys(redisUrl, redisPrefix).catch(() => {});
        if (!stopOptions.keepData) await rm(pgliteDir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

/** The last error lines of Flywheel's JSON log, to show why a step failed. */
export async function recentErrors(logPath: string, max = 5): Promise<string[]> {
  const text = await readFile(logPath, 'utf8').catch(() => '');
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    try {
      const entry = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } };
      if ((entry.level ?? 0) >= 50) lines.push(`${entry.msg ?? ''}${entry.err?.message ? `: ${entry.err.message}` : ''}`);
    } catch {
      if (line.trim()) lines.push(line.slice(0, 300));
    }
  }
  return lines.slice(-max);
}
