// Writes docs/config.md, the config reference, from the zod schema (src/config/schema.ts):
// every key with its type, default, environment variable and description.
// `npm run docs:config` regenerates it; test/docs/config-reference.test.ts fails
// when the committed file differs from what this renders, so CI catches a stale copy.
//
// Descriptions come from the schema's `.describe()`, else from the trailing comment
// of the key in flywheel.example.yaml; environment variables from the built-in config.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isMap, parse, parseDocument, type YAMLMap } from 'yaml';
import { z } from 'zod';
import { BUILTIN_CONFIG_YAML } from '../src/config/builtin.js';
import { configSchema } from '../src/config/schema.js';

export const CONFIG_REFERENCE_PATH = fileURLToPath(new URL('../docs/config.md', import.meta.url));
const EXAMPLE_PATH = fileURLToPath(new URL('../flywheel.example.yaml', import.meta.url));

/** The subset of JSON Schema that z.toJSONSchema emits for the config. */
interface JsonSchema {
  type?: string;
  description?: string;
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  minItems?: number;
}

interface Row {
  key: string;
  type: string;
  default: string;
  env: string;
  description: string;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** `integer 0–65535`, `number > 0`, `"a" | "b"`, `array of string`, `map of string → integer ≥ 1`. */
function typeOf(s: JsonSchema): string {
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) return alternatives.map(typeOf).join(' or ');
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  switch (s.type) {
    case 'integer':
    case 'number': {
      const lo = s.exclusiveMinimum !== undefined ? `> ${s.exclusiveMinimum}` : s.minimum !== undefined && s.minimum > -MAX_SAFE ? `≥ ${s.minimum}` : '';
      const hi = s.exclusiveMaximum !== undefined ? `< ${s.exclusiveMaximum}` : s.maximum !== undefined && s.maximum < MAX_SAFE ? `≤ ${s.maximum}` : '';
      if (s.minimum !== undefined && s.maximum !== undefined && s.maximum < MAX_SAFE && s.minimum > -MAX_SAFE) return `${s.type} ${s.minimum}–${s.maximum}`;
      return [s.type, lo, hi].filter(Boolean).join(' ').replace(/ (<)/, ', $1');
    }
    case 'string':
      if (s.format === 'uri') return 'URL';
      return s.minLength ? `string (${s.minLength}+ characters)` : 'string';
    case 'array': {
      const item = s.items ? (s.items.properties ? 'objects' : typeOf(s.items)) : 'any';
      return `array of ${item}${s.minItems ? ` (at least ${s.minItems})` : ''}`;
    }
    case 'object':
      if (s.properties) {
        const fields = Object.entries(s.properties).map(([k, v]) => (v.const !== undefined ? `${k}: ${JSON.stringify(v.const)}` : k));
        return `{ ${fields.join(', ')} }`;
      }
      if (typeof s.additionalProperties === 'object') return `map of string → ${typeOf(s.additionalProperties)}`;
      return 'object';
    default:
      return s.type ?? 'any';
  }
}

/** Paths of the built-in config's `${VAR}` / `${VAR:-default}` values: the environment variables wired to keys. */
function envVariables(): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (node: unknown, path: string[]) => {
    if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) walk(value, [...path, key]);
    } else if (typeof node === 'string') {
      const match = /^\$\{([A-Z0-9_]+)(:-.*)?\}$/.exec(node);
      if (match) found.set(path.join('.'), match[1]!);
    }
  };
  walk(parse(BUILTIN_CONFIG_YAML), []);
  return found;
}

/** The trailing comment of each key (or the comment opening a section) in flywheel.example.yaml. */
function exampleComments(): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (node: YAMLMap, path: string[]) => {
    for (const pair of node.items) {
      const key = String((pair.key as { value?: unknown }).value);
      const value = pair.value as { comment?: string | null; commentBefore?: string | null } | null;
      const comment = value?.comment ?? (isMap(value) ? value.commentBefore : undefined);
      const p = [...path, key];
      if (comment) found.set(p.join('.'), comment.trim().replace(/\s*\n\s*/g, ' '));
      if (isMap(value)) walk(value, p);
    }
  };
  const doc = parseDocument(readFileSync(EXAMPLE_PATH, 'utf8'));
  if (isMap(doc.contents)) walk(doc.contents, []);
  return found;
}

/**
 * Descriptions for keys of schemas this script may not annotate (the policy's,
 * src/policy/policy-schema.ts), taken from the TSDoc of src/policy/policy-config.ts.
 * `*` stands for one key (an action kind). The schema's own `.describe()` wins.
 */
const NOTES: Record<string, string> = {
  'policy.kinds': 'rules per action kind; a kind not listed is refused',
  'policy.kinds.*.enabled': 'a disabled kind is refused',
  'policy.kinds.*.proposers': 'who may propose it',
  'policy.kinds.*.approverRoles': 'roles that may approve or reject it',
  'policy.kinds.*.guardrails': 'limits on numeric parameters of a proposal',
  'policy.kinds.*.guardrails[].param': 'a key of the proposal\'s params; a dotted path reaches a nested value',
  'policy.kinds.*.guardrails[].label': 'its name in reasons; default: the parameter in words',
  'policy.kinds.*.guardrails[].measure': 'value: the number; abs: its size whatever the sign; length: of an array or string. Default value',
  'policy.kinds.*.guardrails[].max': 'above this a person must approve',
  'policy.kinds.*.guardrails[].hardMax': 'above this the proposal is refused outright',
  'policy.kinds.*.guardrails[].hardMin': 'below this the proposal is refused outright',
  'policy.kinds.*.guardrails[].required': 'a proposal without the parameter is refused (true, the default) or the guardrail skipped',
  'policy.kinds.*.alwaysApprove': 'a person approves every proposal, even within the guardrails',
  'policy.kinds.*.priority': 'fixed; or overage: the highest step whose ratio (value ÷ max) is reached, else base',
  'policy.kinds.*.onExpiry': 'what a request nobody decided becomes at its deadline',
  'policy.channels': 'where approval requests go',
};

function note(path: string[]): string | undefined {
  const [head, second, , ...rest] = path;
  return NOTES[path.join('.')] ?? (head === 'policy' && second === 'kinds' && path.length > 3 ? NOTES[['policy', 'kinds', '*', ...rest].join('.')] : undefined);
}

const code = (text: string) => (text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``);
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function defaultOf(s: JsonSchema): string {
  if (s.default === undefined) return '(required)';
  if (s.type === 'object' && s.properties && JSON.stringify(s.default) === '{}') return '';
  return code(JSON.stringify(s.default));
}

interface Walk {
  env: Map<string, string>;
  comments: Map<string, string>;
  /** Item schemas of arrays already documented, to refer back to instead of repeating their fields. */
  items: Map<string, string>;
  out: Row[];
}

/** `a.b`, or `a["campaign.launch"]` for keys that contain a dot. */
const join = (path: string[]) => path.map((k, i) => (k.includes('.') ? `["${k}"]` : i === 0 ? k : `.${k}`)).join('');

function rows(schema: JsonSchema, path: string[], walk: Walk) {
  for (const [key, s] of Object.entries(schema.properties ?? {})) {
    const p = [...path, key];
    const name = join(p);
    const description = s.description ?? walk.comments.get(p.join('.')) ?? note(p) ?? (key === '<name>' ? 'any other action kind (custom kinds): proposers, approverRoles and priority must be given' : '');
    const isSection = s.type === 'object' && s.properties !== undefined;
    const optional = s.default === undefined && !(schema.required ?? []).includes(key);
    const dflt = key === '<name>' ? '' : optional ? '(optional)' : defaultOf(s);
    const row: Row = { key: name, type: isSection ? 'section' : typeOf(s), default: dflt, env: walk.env.get(p.join('.')) ?? '', description };
    walk.out.push(row);
    if (isSection) {
      rows(s, p, walk);
      // Keys beyond the listed ones (policy.kinds takes custom action kinds).
      if (typeof s.additionalProperties === 'object') rows({ properties: { '<name>': s.additionalProperties } }, p, walk);
    } else if (s.type === 'array' && s.items?.properties) {
      const shape = JSON.stringify(s.items);
      const first = walk.items.get(shape);
      if (first) {
        row.type = `array of objects, as \`${first}\``;
      } else {
        walk.items.set(shape, `${name}[]`);
        rows(s.items, [...p.slice(0, -1), `${key}[]`], walk);
      }
    }
  }
}

/** The whole of docs/config.md. */
export function renderConfigReference(): string {
  const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const env = envVariables();
  const comments = exampleComments();
  const items = new Map<string, string>();
  const sections = Object.entries(schema.properties ?? {}).map(([name, section]) => {
    const walk: Walk = { env, comments, items, out: [] };
    rows({ properties: { [name]: section } }, [], walk);
    const [head, ...keys] = walk.out;
    const lines = [`## \`${name}\``, ''];
    if (head?.description) lines.push(`${head.description[0]!.toUpperCase()}${head.description.slice(1)}.`.replace(/\.\.$/, '.'), '');
    if (head && head.type !== 'section') keys.unshift(head);
    lines.push('| key | type | default | env | description |', '| --- | --- | --- | --- | --- |');
    for (const r of keys) lines.push(`| ${code(r.key)} | ${cell(r.type)} | ${cell(r.default)} | ${r.env ? code(r.env) : ''} | ${cell(r.description)} |`);
    return lines.join('\n');
  });
  return `<!-- Generated by scripts/config-reference.ts from src/config/schema.ts: do not edit; run \`npm run docs:config\`. -->
# Configuration reference

Flywheel reads one YAML file: \`FLYWHEEL_CONFIG\`, else \`./flywheel.yaml\`, else the built-in
configuration, which leaves every key at its default. The environment variables in the *env*
column below override the file's value whenever they are set and not empty, whether or not the
file refers to them (\`WORKER_QUEUES=delivery\` on a Procfile line means the same with any config
file). Copy \`flywheel.example.yaml\` to start. Any value may be
\`\${VAR}\` (start fails when \`VAR\` is unset) or \`\${VAR:-default}\`. Unknown keys and wrong
types stop the start with the key named. Secrets (tokens, secrets, URLs with passwords) are
redacted wherever the config is shown (\`GET /api/v1/status\`).

A key marked *(required)* has no default: it must be given whenever its parent is
(an item of \`auth.tokens\`, say); *(optional)* has no default either and may be left out.
*section* rows group the keys below them; an absent section takes all its defaults.

${sections.join('\n\n')}
`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = renderConfigReference();
  if (process.argv.includes('--check')) {
    const current = readFileSync(CONFIG_REFERENCE_PATH, 'utf8');
    if (current !== text) {
      process.stderr.write('docs/config.md is out of date: run npm run docs:config\n');
      process.exit(1);
    }
  } else {
    writeFileSync(CONFIG_REFERENCE_PATH, text);
    process.stdout.write(`wrote ${CONFIG_REFERENCE_PATH}\n`);
  }
}
