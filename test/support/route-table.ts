import type { Hono } from 'hono';
import type { Role } from '../../src/vocabulary/roles.js';
import { AUTHENTICATES, REQUIRES_ROLES } from '../../src/api/auth.js';
import { hasRole } from '../../src/api/tokens.js';

export interface RouteEntry {
  method: string;
  /** Hono's path, e.g. `/api/v1/campaigns/:id/pause`. */
  path: string;
  /** Behind authenticate (a token or a session); false: public. */
  authenticated: boolean;
  /** Roles that may call it (any one; admin holds all); empty: any authenticated caller. */
  roles: Role[];
}

/** Whether a middleware's path pattern (`/api/v1/*`, `/metrics`) covers a route's path. */
function covers(pattern: string, path: string): boolean {
  if (pattern === '*' || pattern === '/*') return true;
  if (pattern.endsWith('/*')) return path === pattern.slice(0, -2) || path.startsWith(pattern.slice(0, -1));
  return pattern === path;
}

/**
 * Every concrete route of the app with who may call it, read off the middleware
 * that guards it (authenticate and requireRole carry their rules as metadata), so
 * the table is the app's own and covers routes added later.
 */
export function routeTable(app: Pick<Hono<any>, 'routes'>): RouteEntry[] {
  const table = new Map<string, RouteEntry>();
  const guards = app.routes.filter((r) => r.method === 'ALL');
  for (const route of app.routes) {
    if (route.method === 'ALL') continue;
    const key = `${route.method} ${route.path}`;
    const entry = table.get(key) ?? { method: route.method, path: route.path, authenticated: false, roles: [] };
    table.set(key, entry);
    const roles = (route.handler as { [REQUIRES_ROLES]?: Role[] })[REQUIRES_ROLES];
    if (roles) entry.roles.push(...roles.filter((r) => !entry.roles.includes(r)));
  }
  for (const entry of table.values()) {
    for (const guard of guards.filter((g) => covers(g.path, entry.path))) {
      const handler = guard.handler as { [AUTHENTICATES]?: true; [REQUIRES_ROLES]?: Role[] };
      if (handler[AUTHENTICATES]) entry.authenticated = true;
      // A guard in front is a second condition, not another way in: a route's own roles narrow to those that
      // pass it too. A route with none of its own still decides in its handler (behind the guard).
      const guarded = handler[REQUIRES_ROLES];
      if (guarded && entry.roles.length > 0) entry.roles = entry.roles.filter((role) => hasRole([role], guarded));
    }
  }
  return [...table.values()];
}
