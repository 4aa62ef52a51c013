import { createMiddleware } from 'hono/factory';
import type { AppEnv } from './env.js';
import { ApiError } from './errors.js';
import { textProblem } from './schemas.js';

export interface InputLimits {
  /** Deepest nesting of arrays and objects a JSON body may have. */
  jsonMaxDepth: number;
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const invalid = (field: string, message: string) => new ApiError(400, 'invalid_request', `${field}: ${message}`, field);

/**
 * Every request's text passes the shared string check once, here, before any
 * route sees it: path segments, query keys and values, and every key and string
 * of a JSON or form body. JSON nested deeper than the limit is refused before it
 * is parsed, so no recursion downstream (validation, hashing, storage) can
 * overflow the stack. The byte size is bodyLimit's job, mounted before this.
 */
export const inputGuard = (limits: InputLimits) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const url = new URL(c.req.url);
    const segments = url.pathname.split('/');
    for (const [i, segment] of segments.entries()) {
      let decoded: string;
      try {
        decoded = decodeURIComponent(segment);
      } catch {
        throw invalid('path', `segment ${i} is not valid percent-encoded UTF-8`);
      }
      const problem = textProblem(decoded);
      if (problem) throw invalid('path', `segment ${i} ${problem}`);
    }
    for (const [key, value] of url.searchParams) {
      const problem = textProblem(key) ?? textProblem(value);
      if (problem) throw invalid(`query.${textProblem(key) ? '(name)' : key}`, problem);
    }
    if (BODY_METHODS.has(c.req.method)) {
      const type = c.req.header('content-type') ?? '';
      if (/application\/x-www-form-urlencoded/i.test(type)) checkForm(new URLSearchParams(await c.req.text()));
      else if (/multipart\/form-data/i.test(type)) {
        // The dashboard's forms are read with parseBody, which takes multipart as well; hono caches what is read here.
        const form = await c.req.formData().catch(() => undefined);
        if (!form) throw invalid('form', 'malformed multipart body');
        checkForm(form);
      } else {
        // Any other body is checked as JSON when it is JSON whatever its content type says
        // (c.req.json() and the Telegram webhook do not look at it), else as text.
        const text = await c.req.text();
        if (/json/i.test(type) || /^\s*[[{]/.test(text)) await checkJson(text, limits);
        else {
          const problem = textProblem(text);
          if (problem) throw invalid('body', problem);
        }
      }
    }
    await next();
  });

function checkForm(form: Iterable<[string, string | File]>) {
  for (const [key, value] of form) {
    const problem = textProblem(key) ?? textProblem(typeof value === 'string' ? value : value.name);
    if (problem) throw invalid(`form.${textProblem(key) ? '(name)' : key}`, problem);
  }
}

async function checkJson(text: string, limits: InputLimits) {
  if (text.trim() === '') return;
  const depth = jsonDepth(text);
  if (depth > limits.jsonMaxDepth) throw invalid('json', `nested ${depth} levels deep; at most ${limits.jsonMaxDepth} allowed`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalid('json', 'malformed JSON');
  }
  walk(value, 'json');
}

function walk(value: unknown, field: string): void {
  if (typeof value === 'string') {
    const problem = textProblem(value);
    if (problem) throw invalid(field, problem);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => walk(item, `${field}.${i}`));
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const problem = textProblem(key);
      if (problem) throw invalid(`${field}.(key)`, problem);
      walk(item, `${field}.${key}`);
    }
  }
}

/** The deepest array/object nesting in JSON text, counted without parsing (brackets inside strings ignored). */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++; // backslash: skip the escaped character
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x5b || ch === 0x7b) max = Math.max(max, ++depth);
    else if (ch === 0x5d || ch === 0x7d) depth--;
  }
  return max;
}
