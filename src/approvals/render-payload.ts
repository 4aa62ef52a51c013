import { formatNumber, roundForPeople } from './people-format.js';

export { formatNumber };

/** How one field is shown: its label and a unit after the value. */
export interface FieldFormat {
  /** @defaultValue the key in words (`audienceSize` → `Audience size`) */
  label?: string;
  /** Shown after numbers; a unit starting with `%` is not preceded by a space. @defaultValue none */
  unit?: string;
}

export const DEFAULT_FIELD_FORMATS: Readonly<Record<string, FieldFormat>> = {
  audienceSize: { label: 'Audience', unit: 'users' },
  batchSize: { label: 'Batch size', unit: 'tenants' },
  percentChange: { label: 'Change', unit: '%' },
  shiftPercent: { label: 'Traffic shift', unit: '%' },
  tenantIds: { label: 'Tenants' },
};

export interface RenderOptions {
  /**
   * Formats by dotted path (`budget.daily`) or by bare key (`daily`); the path wins.
   * Merged over the defaults. @defaultValue DEFAULT_FIELD_FORMATS
   */
  fields?: Readonly<Record<string, FieldFormat>>;
  /** Array items shown before the rest is summarised. @defaultValue 5 */
  maxArrayItems?: number;
  /** Longer strings are cut with `…`. @defaultValue 200 */
  maxStringLength?: number;
  /** Nesting levels flattened into labels; deeper values are shown as compact JSON. @defaultValue 4 */
  maxDepth?: number;
  /** Upper bound of the whole text in UTF-16 units (Telegram allows 4096 per message; this leaves room for a header). @defaultValue 3500 */
  maxChars?: number;
}

export const DEFAULT_RENDER_OPTIONS: Required<RenderOptions> = {
  fields: DEFAULT_FIELD_FORMATS,
  maxArrayItems: 5,
  maxStringLength: 200,
  maxDepth: 4,
  maxChars: 3500,
};

const ACRONYMS: Record<string, string> = { id: 'ID', ids: 'IDs', url: 'URL', urls: 'URLs', ab: 'A/B', api: 'API' };

/** `audienceSize` / `audience_size` → `Audience size`; `tenantIds` → `Tenant IDs`. */
export function humanizeKey(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[\s_.-]+/)
    .filter(Boolean)
    .map((word) => ACRONYMS[word.toLowerCase()] ?? (word.length > 1 && word === word.toUpperCase() ? word : word.toLowerCase()));
  const text = words.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);

const cut = (text: string, max: number) => (text.length <= max ? text : max <= 0 ? '' : `${text.slice(0, max - 1)}…`);

interface Ctx {
  options: Required<RenderOptions>;
  lines: string[];
}

function formatScalar(value: unknown, format: FieldFormat, ctx: Ctx): string {
  if (value === null || value === undefined) return 'none';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') {
    // Rounded for people: a 15-digit float helps nobody decide; the raw payload keeps the exact value.
    const unit = format.unit;
    if (!unit) return roundForPeople(value);
    return unit.startsWith('%') ? `${roundForPeople(value)}${unit}` : `${roundForPeople(value)} ${unit}`;
  }
  if (typeof value === 'string') return cut(value.replace(/\s+/g, ' ').trim(), ctx.options.maxStringLength);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'invalid date' : value.toISOString();
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    json = undefined;
  }
  return cut(json ?? String(value), ctx.options.maxStringLength);
}

function renderValue(value: unknown, label: string, path: string, key: string, depth: number, ctx: Ctx): void {
  const format = ctx.options.fields[path] ?? ctx.options.fields[key] ?? {};
  const shown = format.label ?? label;
  if (Array.isArray(value)) {
    const { maxArrayItems } = ctx.options;
    if (value.length === 0) return void ctx.lines.push(`${shown}: none`);
    const more = value.length > maxArrayItems ? ` … and ${formatNumber(value.length - maxArrayItems)} more (${formatNumber(value.length)} in total)` : '';
    const head = value.slice(0, maxArrayItems);
    if (head.every((item) => !Array.isArray(item) && !isRecord(item))) {
      return void ctx.lines.push(`${shown}: ${head.map((item) => formatScalar(item, format, ctx)).join(', ')}${more}`);
    }
    head.forEach((item, i) => renderValue(item, `${shown} #${i + 1}`, `${path}.${i}`, key, depth + 1, ctx));
    if (more) ctx.lines.push(`${shown}:${more}`);
    return;
  }
  if (isRecord(value)) {
    const keys = Object.keys(value).sort();
    if (keys.length === 0) return void ctx.lines.push(`${shown}: (empty)`);
    if (depth >= ctx.options.maxDepth) return void ctx.lines.push(`${shown}: ${formatScalar(value, format, ctx)}`);
    for (const k of keys) renderValue(value[k], `${shown} › ${humanizeKey(k)}`, `${path}.${k}`, k, depth + 1, ctx);
    return;
  }
  ctx.lines.push(`${shown}: ${formatScalar(value, format, ctx)}`);
}

/**
 * The payload as plain-text lines for approvers, the same on the dashboard and
 * in Telegram: one `Label: value` line per field (keys in alphabetical order),
 * nested objects flattened into `Parent › Child` labels, long arrays and
 * strings summarised, and the whole kept within `maxChars`.
 */
export function renderPayloadLines(payload: unknown, options: RenderOptions = {}): string[] {
  const merged: Required<RenderOptions> = { ...DEFAULT_RENDER_OPTIONS, ...options, fields: { ...DEFAULT_FIELD_FORMATS, ...options.fields } };
  const ctx: Ctx = { options: merged, lines: [] };
  if (isRecord(payload)) {
    for (const key of Object.keys(payload).sort()) renderValue(payload[key], humanizeKey(key), key, key, 1, ctx);
    if (ctx.lines.length === 0) ctx.lines.push('(no parameters)');
  } else {
    renderValue(payload, 'Value', '', '', 1, ctx);
  }
  return fitLines(ctx.lines, merged.maxChars);
}

/** {@link renderPayloadLines} joined with newlines. */
export function renderPayload(payload: unknown, options: RenderOptions = {}): string {
  return renderPayloadLines(payload, options).join('\n');
}

/** Keeps whole lines while they fit, then says how many were left out; the result joined by `\n` is ≤ maxChars. */
function fitLines(lines: string[], maxChars: number): string[] {
  const total = lines.reduce((sum, line) => sum + line.length, 0) + Math.max(0, lines.length - 1);
  if (total <= maxChars) return lines;
  const tail = (left: number) => `… ${formatNumber(left)} more lines not shown`;
  const reserve = 1 + tail(lines.length).length;
  const kept: string[] = [];
  let used = 0;
  for (const line of lines) {
    const cost = (kept.length > 0 ? 1 : 0) + line.length;
    if (used + cost + reserve > maxChars) break;
    kept.push(line);
    used += cost;
  }
  kept.push(cut(tail(lines.length - kept.length), Math.max(0, maxChars - used - (kept.length > 0 ? 1 : 0))));
  return kept;
}
