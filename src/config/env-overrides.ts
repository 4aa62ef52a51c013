import { parse } from 'yaml';
import { BUILTIN_CONFIG_YAML } from './builtin.js';

export interface EnvOverride {
  variable: string;
  /** The config key it sets, as a path: `['workers', 'queues']`. */
  path: readonly string[];
  /** Numbers and booleans are read as YAML scalars ("4100", "true"); strings are taken as given. */
  typed: boolean;
}

const WHOLE_REFERENCE = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}$/;

/**
 * The documented environment variables and the keys they set, read from the built-in config
 * (its `${VAR:-default}` values), so the docs, the built-in config and the overrides never disagree.
 */
export const ENV_OVERRIDES: readonly EnvOverride[] = Object.freeze(collect(parse(BUILTIN_CONFIG_YAML), []));

function collect(node: unknown, path: string[]): EnvOverride[] {
  if (typeof node === 'string') {
    const match = WHOLE_REFERENCE.exec(node);
    if (!match) return [];
    const fallback: unknown = match[2] ? parse(match[2]) : '';
    return [{ variable: match[1]!, path, typed: typeof fallback === 'number' || typeof fallback === 'boolean' }];
  }
  if (node !== null && typeof node === 'object' && !Array.isArray(node)) {
    return Object.entries(node).flatMap(([key, value]) => collect(value, [...path, key]));
  }
  return [];
}

/**
 * Sets every documented variable that is set (and not empty, as `${VAR:-default}` reads it) on
 * top of a config tree, whether or not the file refers to it: a Procfile line
 * `WORKER_QUEUES=delivery node dist/src/entry/worker.js` must mean the same with any config file.
 */
export function applyEnvOverrides(tree: unknown, env: Readonly<Record<string, string | undefined>>): unknown {
  let out = tree;
  for (const { variable, path, typed } of ENV_OVERRIDES) {
    const value = env[variable];
    if (value === undefined || value === '') continue;
    out = setPath(out, path, typed ? parse(value) : value);
  }
  return out;
}

function setPath(node: unknown, path: readonly string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [key, ...rest] = path as [string, ...string[]];
  const object = node !== null && typeof node === 'object' && !Array.isArray(node) ? (node as Record<string, unknown>) : {};
  return { ...object, [key]: setPath(object[key], rest, value) };
}

/**
 * A copy of an environment without the documented variables: for a child process whose config
 * file names every value itself (tests, benches, the demo), so the caller's deployment cannot leak in.
 */
export function withoutEnvOverrides(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = { ...env };
  for (const { variable } of ENV_OVERRIDES) delete out[variable];
  return out;
}
