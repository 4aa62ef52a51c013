import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { z } from 'zod';
import { BUILTIN_CONFIG_YAML } from './builtin.js';
import { expandEnv } from './expand-env.js';
import { type Config, configSchema } from './schema.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export type Env = Readonly<Record<string, string | undefined>>;

/** Where the configuration comes from: FLYWHEEL_CONFIG, else ./flywheel.yaml, else the built-in defaults. */
export function configSource(env: Env, cwd = process.cwd()): { path: string | null; text: string } {
  const named = env.FLYWHEEL_CONFIG;
  if (named) {
    if (!existsSync(named)) throw new ConfigError(`config: FLYWHEEL_CONFIG names ${named}, which does not exist`);
    return { path: named, text: readFileSync(named, 'utf8') };
  }
  const local = `${cwd}/flywheel.yaml`;
  if (existsSync(local)) return { path: local, text: readFileSync(local, 'utf8') };
  return { path: null, text: BUILTIN_CONFIG_YAML };
}

/** Parses, expands and validates a YAML config text; the result is deeply frozen. */
export function parseConfig(text: string, env: Env, source = 'config'): Readonly<Config> {
  let tree: unknown;
  try {
    tree = parse(text) ?? {};
  } catch (error) {
    throw new ConfigError(`${source}: invalid YAML: ${(error as Error).message}`);
  }
  const expanded = expandEnv(tree, env, (scalar) => parse(scalar));
  const result = configSchema.safeParse(expanded);
  if (!result.success) throw new ConfigError(`${source}: ${describeIssues(result.error)}`);
  const config = result.data;
  if (config.telegram.botToken && !config.telegram.enabled && env.TELEGRAM_ENABLED === undefined) {
    config.telegram.enabled = true;
  }
  return deepFreeze(config);
}

export function loadConfig(env: Env = process.env, cwd?: string): Readonly<Config> {
  const { path, text } = configSource(env, cwd);
  return parseConfig(text, env, path ?? 'built-in config');
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const base = issue.path.map(String).join('.');
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((key) => `${base ? `${base}.` : ''}${key}: unknown key`).join('; ');
      }
      return `${base || '(root)'}: ${issue.message}`;
    })
    .join('; ');
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}
