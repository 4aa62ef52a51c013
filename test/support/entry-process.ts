import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { withoutEnvOverrides } from '../../src/config/env-overrides.js';
import type { RunningProcess } from './procfile.js';

/** Writes a config tree as YAML to a temporary file, for FLYWHEEL_CONFIG. */
export function writeConfigFile(tree: Record<string, unknown>): string {
  const path = join(mkdtempSync(join(tmpdir(), 'fw-config-')), 'flywheel.yaml');
  writeFileSync(path, stringify(tree));
  return path;
}

/**
 * Runs one of src/entry/*.ts under tsx, as `npm start` / `npm run web` do, with
 * only the given environment on top of this one (minus the deployment's own).
 */
export function runEntry(entry: 'start' | 'web' | 'worker' | 'bot' | 'release', env: Record<string, string>): RunningProcess {
  const base = withoutEnvOverrides(process.env);
  for (const name of ['NODE_ENV', 'NODE_TEST_CONTEXT']) delete base[name];
  const child = spawn(process.execPath, ['--import', 'tsx', `src/entry/${entry}.ts`], { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited, signal: (signal) => child.kill(signal) };
}
