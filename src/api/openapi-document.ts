import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from './env.js';

/** Path prefixes the app puts behind `authenticate` (app.tsx); every other documented route is public. */
export const AUTHENTICATED_PREFIXES = ['/api/v1/', '/api/phase7/', '/metrics', '/mcp'] as const;

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const;

const pascal = (word: string) => word.replace(/(^|[^A-Za-z0-9]+)([A-Za-z0-9])/g, (_m, _sep, ch: string) => ch.toUpperCase());

/**
 * `get /api/v1/campaigns/{id}/pause` → `getCampaignsByIdPause`: derived from the method and
 * path, so every operation gets one, unique, however a route is added. `/api/v1` is dropped
 * (the main version); other API versions keep their name (`getPhase7Status`).
 */
export function deriveOperationId(method: string, path: string): string {
  const segments = path
    .split('/')
    .filter(Boolean)
    .filter((segment, i) => !(i === 0 && segment === 'api'))
    .filter((segment, i, all) => !(i === 0 && segment === 'v1' && all.length > 1));
  const words = segments.map((segment) => {
    const param = /^\{(.+)\}$/.exec(segment);
    return param ? `By${pascal(param[1]!)}` : pascal(segment);
  });
  return method.toLowerCase() + (words.join('') || 'Root');
}

type Operation = { operationId?: string; security?: unknown[] };

/** The document the app serves: the route registry's, plus servers, operation ids and public routes. */
export function apiDocument(app: OpenAPIHono<AppEnv>, options: { serverUrl: string }) {
  const doc = app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'Flywheel API',
      version: '1',
      description: 'Growth operations with a human in the loop',
      license: { name: 'Proprietary' },
    },
    servers: [{ url: options.serverUrl, description: 'this Flywheel' }],
    security: [{ bearer: [] }],
  });
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    const isPublic = !AUTHENTICATED_PREFIXES.some((prefix) => path.startsWith(prefix));
    for (const method of METHODS) {
      const operation = (item as Record<string, Operation | undefined>)[method];
      if (!operation) continue;
      operation.operationId ??= deriveOperationId(method, path);
      if (isPublic) operation.security ??= [];
    }
  }
  return doc;
}
