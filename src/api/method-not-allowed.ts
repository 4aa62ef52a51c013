import type { Context, Hono } from 'hono';
import { METHOD_NAME_ALL } from 'hono/router';
import { TrieRouter } from 'hono/router/trie-router';
import { errorBody } from './errors.js';

const ANY = 'ROUTE';

/**
 * Answers a request that matched no handler: 405 with `Allow` when the path is
 * known under other methods (RFC 9110 §15.5.6), 204 with `Allow` for OPTIONS on
 * a known path, else 404. Middleware-only matches (`app.use`) do not make a path
 * known. The route table is read at the first miss, when every route is mounted.
 */
export function unmatchedHandler(app: Hono<any, any, any>) {
  let router: TrieRouter<string> | undefined;
  const allowedMethods = (path: string): string[] => {
    if (!router) {
      router = new TrieRouter<string>();
      for (const route of app.routes) if (route.method !== METHOD_NAME_ALL) router.add(ANY, route.path, route.method);
    }
    const methods = new Set(router.match(ANY, path)[0].map(([method]) => method));
    if (methods.has('GET')) methods.add('HEAD'); // hono answers HEAD with the GET handler
    return [...methods].sort();
  };
  return (c: Context) => {
    const allowed = allowedMethods(c.req.path);
    if (allowed.length === 0) return c.json(errorBody('not_found', `no route for ${c.req.method} ${c.req.path}`), 404);
    const allow = [...allowed, 'OPTIONS'].join(', ');
    c.header('Allow', allow);
    if (c.req.method === 'OPTIONS') return c.body(null, 204);
    return c.json(errorBody('method_not_allowed', `${c.req.method} is not allowed on ${c.req.path}; allowed: ${allow}`), 405);
  };
}
