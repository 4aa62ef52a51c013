import { createHash } from 'node:crypto';

/** Thrown for a value JSON cannot represent exactly; `path` locates it (`$.a[2].b`). */
export class NonJsonValueError extends Error {
  constructor(
    readonly path: string,
    what: string,
  ) {
    super(`${path}: ${what} is not a JSON value`);
    this.name = 'NonJsonValueError';
  }
}

const isPlainObject = (value: object): boolean => {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'object' && value !== null) return value.constructor?.name ?? 'object';
  return typeof value;
}

function write(value: unknown, path: string, seen: Set<object>): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new NonJsonValueError(path, describe(value));
    return JSON.stringify(value);
  }
  if (typeof value !== 'object') throw new NonJsonValueError(path, describe(value));
  // Dates, Maps, class instances… would be hashed through toJSON or lose data; the caller converts them first.
  if (!Array.isArray(value) && !isPlainObject(value)) throw new NonJsonValueError(path, describe(value));
  if (seen.has(value)) throw new NonJsonValueError(path, 'a circular reference');
  seen.add(value);
  let out: string;
  if (Array.isArray(value)) {
    const items: string[] = [];
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) throw new NonJsonValueError(`${path}[${i}]`, 'an array hole');
      items.push(write(value[i], `${path}[${i}]`, seen));
    }
    out = `[${items.join(',')}]`;
  } else {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    out = `{${keys.map((key) => `${JSON.stringify(key)}:${write(record[key], `${path}.${key}`, seen)}`).join(',')}}`;
  }
  seen.delete(value);
  return out;
}

/**
 * Canonical JSON: object keys sorted by UTF-16 code unit, no whitespace. Throws
 * {@link NonJsonValueError} for anything JSON.stringify would drop or coerce
 * (undefined, functions, symbols, bigint, NaN/±Infinity, Dates and other
 * non-plain objects, array holes, cycles), so equal text means equal data.
 */
export function canonicalJson(value: unknown): string {
  return write(value, '$', new Set());
}

/** SHA-256 (lowercase hex) of the canonical JSON of `value`. */
export function payloadHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex');
}
