import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { withoutEnvOverrides } from '../../src/config/env-overrides.js';
import { testConfigTree } from './deps.js';
import type { RunningProcess } from './procfile.js';
import { createSchema, deleteRedisPrefix, TEST_DATABASE_URL, uniqueName } from './services.js';

/** Writes a config tree as YAML to a temporary file, for FLYWHEEL_CONFIG. */
export function writeConfigFile(tree: Record<string, unknown>): string {
  const path = join(mkdtempSync(join(tmpdir(), 'fw-config-')), 'flywheel.yaml');
  writeFileSync(path, stringify(tree));
  return path;
}

/**
 * A config file for the entry processes of one test file, on a Postgres schema and Redis prefix of
 * their own, with none of the agents' schedules, on any free port, logging at info (what `tree` sets
 * wins); `drop` removes the schema and the prefix.
 */
export async function entryConfig(name: string, tree: Record<string, unknown>) {
  const schema = await createSchema();
  const prefix = uniqueName(name);
  const url = new URL(TEST_DATABASE_URL);
  url.searchParams.set('options', `-c search_path=${schema.schema}`);
  const quiet = { server: { port: 0 }, logging: { level: 'info' }, ops: { enabled: false }, growth: { enabled: false }, beta: { enabled: false } };
  const path = writeConfigFile(testConfigTree(prefix, url.toString(), { ...quiet, ...tree }));
  return {
    path,
    async drop() {
      await deleteRedisPrefix(prefix);
      await schema.drop();
    },
  };
}

/**
 * Runs one of src/entry/*.ts under tsx, as `npm start` / `npm run web` do, with
 * only the given environment on top of this one (minus the deployment's own).
 */
export function runEntry(entry: 'start' | 'web' | 'worker' | 'bot' | 'release', env: Record<string, string>, preload: string[] = []): RunningProcess {
  const base = withoutEnvOverrides(process.env);
  for (const name of ['NODE_ENV', 'NODE_TEST_CONTEXT']) delete base[name];
  const imports = ['tsx', ...preload].flatMap((module) => ['--import', module]);
  const child = spawn(process.execPath, [...imports, `src/entry/${entry}.ts`], { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited, signal: (signal) => child.kill(signal) };
}
