import type { z } from 'zod';

/** A submitted form: field name → value (strings; files read as text beforehand). */
export type FormFields = Record<string, string>;

/** Errors keyed by form field name, shown beside the field; `_form` holds what belongs to no one field. */
export type FieldErrors = Record<string, string>;

/** A number field: blank leaves the schema's default, anything else goes to the schema as typed (so it reports "expected number"). */
export function numberField(value: string | undefined): number | string | undefined {
  const v = value?.trim() ?? '';
  if (v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : v;
}

/** Comma- or line-separated values, trimmed, blanks dropped; undefined when none. */
export function listField(value: string | undefined): string[] | undefined {
  const items = (value ?? '')
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);
  return items.length ? items : undefined;
}

/** `key: value` or `key=value` lines as a record; undefined when blank. */
export function pairsField(value: string | undefined, separator: RegExp): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const line of (value ?? '').split('\n')) {
    if (!line.trim()) continue;
    const match = separator.exec(line);
    if (!match) out[line.trim()] = '';
    else out[line.slice(0, match.index).trim()] = line.slice(match.index + match[0].length).trim();
  }
  return Object.keys(out).length ? out : undefined;
}

/**
 * The schema's issues, each on the form field whose name is the longest prefix
 * of the issue's path (`channel.headers.X-Key` → `channel.headers`); the first
 * message per field wins. Issues on no known field go to `_form`.
 */
export function issuesByField(error: z.ZodError, fields: readonly string[], rename: Record<string, string> = {}): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const path = issue.path.map(String).join('.');
    const renamed = rename[path] ?? path;
    const field = [...fields].sort((a, b) => b.length - a.length).find((f) => renamed === f || renamed.startsWith(`${f}.`)) ?? '_form';
    out[field] ??= field === '_form' && path ? `${path}: ${issue.message}` : issue.message;
  }
  return out;
}
