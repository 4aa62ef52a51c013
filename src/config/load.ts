import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { z } from 'zod';
import { BUILTIN_CONFIG_YAML } from './builtin.js';
import { applyEnvOverrides, ENV_OVERRIDES } from './env-overrides.js';
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

/**
 * Parses, expands and validates a YAML config text; the documented environment variables
 * (ENV_OVERRIDES) override the file's values when set. The result is deeply frozen.
 */
export function parseConfig(text: string, env: Env, source = 'config'): Readonly<Config> {
  let tree: unknown;
  try {
    tree = parse(text) ?? {};
  } catch (error) {
    throw new ConfigError(`${source}: invalid YAML: ${(error as Error).message}`);
  }
  const expanded = applyEnvOverrides(
    expandEnv(tree, env, (scalar) => parse(scalar)),
    env,
  );
  const result = configSchema.safeParse(expanded);
  if (!result.success) throw new ConfigError(`${source}: ${describeIssues(result.error, env)}`);
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

function describeIssues(error: z.ZodError, env: Env): string {
  return error.issues
    .map((issue) => {
      const base = issue.path.map(String).join('.');
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((key) => `${base ? `${base}.` : ''}${key}: unknown key`).join('; ');
      }
      const override = ENV_OVERRIDES.find((o) => o.path.join('.') === base && env[o.variable] && !issue.message.includes(o.variable));
      return `${base || '(root)'}${override ? ` (from ${override.variable})` : ''}: ${issue.message}`;
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
