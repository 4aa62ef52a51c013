import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { withoutEnvOverrides } from '../../src/config/env-overrides.js';

export interface WorkerProcess {
  child: ChildProcess;
  ready: Promise<void>;
  exited: Promise<number | null>;
  output(): string;
}

/**
 * Writes a test context's config to a file a child process can load (FLYWHEEL_CONFIG),
 * logging at info so the child's "worker started" line can be awaited.
 */
export function configFile(configYaml: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'fw-worker-')), 'flywheel.yaml');
  const tree = parse(configYaml) as { logging?: Record<string, unknown> };
  writeFileSync(path, stringify({ ...tree, logging: { ...tree.logging, level: 'info' } }));
  return path;
}

/** A `worker` process (the Procfile's worker, run from source) for the given queues; the config file names every other value. */
export function startWorkerProcess(configPath: string, queues: string): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/entry/worker.ts'], {
    env: { ...withoutEnvOverrides(process.env), FLYWHEEL_CONFIG: configPath, WORKER_QUEUES: queues },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let markReady: () => void = () => {};
  let failReady: (error: Error) => void = () => {};
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    failReady = reject;
  });
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.includes('worker started')) markReady();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      failReady(new Error(`worker exited (${code}) before it started:\n${output}`));
      resolve(code);
    }),
  );
  return { child, ready, exited, output: () => output };
}
