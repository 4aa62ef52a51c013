import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../src/api/app.js';
import { hasRole } from '../../src/api/tokens.js';
import { ROLES, type Role } from '../../src/vocabulary/roles.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { routeTable, type RouteEntry } from '../support/route-table.js';
import { login, type Session } from '../support/session.js';

// One token per role the service knows, so a role added later is in the matrix too.
const tokenOf = (role: Role) => `matrix-${role}-token-0123456789abcdef`;
const ORIGIN = 'http://localhost';

/** A concrete URL for a route: ids are fresh UUIDs (nothing found), other params a word. */
const urlOf = (route: RouteEntry) => `${ORIGIN}${route.path.replace(/:(\w+)(\{[^}]*\})?/g, (_, name: string) => (/id$/i.test(name) ? randomUUID() : 'matrix'))}`;
/** Dashboard pages carry the CSRF token in the form; the API (and MCP) in a header. */
const isPage = (route: RouteEntry) => !['/api/', '/admin/', '/mcp'].some((prefix) => route.path.startsWith(prefix));

/**
 * POSTs that only compute a preview from the form (nothing written): a cross-origin
 * page could send them but never read the answer (no CORS), so they skip CSRF.
 */
const READS_BY_POST = new Set(['/dashboard/campaigns/new/audience-count', '/dashboard/campaigns/new/preview']);

type Mode = 'bearer' | 'cookie' | 'cookie without CSRF' | 'cross-origin';
const MODES: Mode[] = ['bearer', 'cookie', 'cookie without CSRF', 'cross-origin'];

describe('authorization matrix: every write route x every role x every way of calling', () => {
  let ctx: TestContext;
  let app: ReturnType<typeof createApp>;
  let writes: RouteEntry[];

  before(async () => {
    ctx = await createTestContext({ config: { auth: { tokens: ROLES.map((role) => ({ name: `m-${role}`, token: tokenOf(role), roles: [role] })) } } });
    app = createApp(ctx.deps);
    writes = routeTable(app).filter((r) => r.method !== 'GET' && r.method !== 'HEAD' && r.authenticated && !READS_BY_POST.has(r.path));
  });
  after(() => ctx.cleanup());

  async function call(route: RouteEntry, mode: Mode, session: Session | null, token: string) {
    const headers: Record<string, string> = {};
    let body: string | undefined;
    if (mode === 'bearer') headers.authorization = `Bearer ${token}`;
    else headers.cookie = session!.cookie;
    if (mode === 'cookie') {
      if (isPage(route)) {
        headers['content-type'] = 'application/x-www-form-urlencoded';
        body = new URLSearchParams({ csrf: session!.csrf }).toString();
      } else headers['x-csrf-token'] = session!.csrf;
    }
    if (mode === 'cross-origin') headers.origin = 'http://evil.example';
    return app.request(urlOf(route), { method: route.method, headers, body });
  }

  it('covers the write routes of the route table', () => {
    const paths = writes.map((r) => `${r.method} ${r.path}`);
    for (const expected of ['POST /api/v1/jobs/:queue', 'POST /api/v1/campaigns/:id/cancel', 'POST /api/v1/sessions/revoke', 'POST /dashboard/campaigns/:id/pause']) {
      assert.ok(paths.includes(expected), `${expected} in ${paths.join(', ')}`);
    }
  });

  it('answers each call as the route table documents', async () => {
    const failures: string[] = [];
    for (const route of writes) {
      const anonymous = await app.request(urlOf(route), { method: route.method });
      if (anonymous.status !== 401 && anonymous.status !== 303) failures.push(`${route.method} ${route.path} anonymous -> ${anonymous.status}`);
      for (const role of ROLES) {
        const token = tokenOf(role);
        // A route without a declared role decides in its handler (an approval's approver roles come from the policy).
        const allowed = route.roles.length === 0 ? undefined : hasRole([role], route.roles);
        for (const mode of MODES) {
          // A fresh session per call: a write may end sessions (log out everywhere).
          const session = mode === 'bearer' ? null : await login(app, token).catch(() => null);
          if (mode !== 'bearer' && !session) continue; // this role cannot log in to the dashboard
          const res = await call(route, mode, session, token);
          const text = await res.text();
          const forged = mode === 'cookie without CSRF' || mode === 'cross-origin';
          const expectRefusal = forged || allowed === false;
          if (res.status >= 500) failures.push(`${route.method} ${route.path} as ${role} by ${mode}: ${res.status}`);
          if (allowed === undefined && !forged) continue;
          // A forged write is refused: 403, or a 4xx that found nothing to act on (a page may look the campaign up first).
          const ok = forged && allowed !== false ? res.status >= 400 && res.status < 500 : expectRefusal ? res.status === 403 : res.status !== 401 && res.status !== 403;
          if (!ok) failures.push(`${route.method} ${route.path} as ${role} by ${mode}: ${res.status} ${text.slice(0, 160)} (expected ${expectRefusal ? '403' : 'not 401/403/5xx'}; roles ${route.roles.join('|') || 'any'})`);
        }
      }
    }
    assert.deepEqual(failures, []);
  });
});
