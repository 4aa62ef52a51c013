/** Thrown when a `${VAR}` reference has no value and no default. */
export class MissingEnvError extends Error {
  constructor(readonly variable: string, readonly path: string) {
    super(`config: ${path}: environment variable ${variable} is not set (use \${${variable}:-default} to make it optional)`);
  }
}

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
const WHOLE_REFERENCE = /^\$\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}$/;

/**
 * Expands `${VAR}` and `${VAR:-default}` in every string of a parsed YAML tree.
 * Expansion happens after parsing so a variable's value can never inject YAML
 * structure. A string that is exactly one reference is re-read as a YAML scalar,
 * so `port: ${PORT:-3000}` yields the number 3000 and `enabled: ${X:-true}` a boolean.
 */
export function expandEnv(
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
  parseScalar: (text: string) => unknown,
  path = '',
): unknown {
  if (typeof value === 'string') {
    const expanded = value.replace(REFERENCE, (_, name: string, fallback: string | undefined) => {
      const found = env[name];
      if (found !== undefined && found !== '') return found;
      if (fallback !== undefined) return fallback;
      throw new MissingEnvError(name, path || '(root)');
    });
    if (expanded === value || !WHOLE_REFERENCE.test(value)) return expanded;
    return expanded === '' ? '' : parseScalar(expanded);
  }
  if (Array.isArray(value)) return value.map((item, i) => expandEnv(item, env, parseScalar, `${path}[${i}]`));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, expandEnv(item, env, parseScalar, path ? `${path}.${key}` : key)]),
    );
  }
  return value;
}
