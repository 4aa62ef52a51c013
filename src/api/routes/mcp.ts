import type { OpenAPIHono } from '@hono/zod-openapi';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { ApiCall } from '../../mcp/api.js';
import { createMcpServer } from '../../mcp/tools.js';
import { type AuthOptions, authenticate, requireRole, sameOriginWrites } from '../auth.js';
import type { AppEnv } from '../env.js';

export const MCP_PATH = '/mcp';

/** The caller's credentials, passed on to the API calls its tools make. */
const FORWARDED = ['authorization', 'cookie', 'x-csrf-token', 'origin'] as const;

/**
 * The approval tools over MCP streamable HTTP, stateless: each POST gets a
 * server of its own whose tools call this app in-process with the caller's
 * credentials and trace id, so an agent token may do over MCP exactly what it
 * may do over the API (file, read and list its own requests; never decide).
 */
export function mountMcp(app: OpenAPIHono<AppEnv>, auth: AuthOptions, publicUrl: string): void {
  app.use(MCP_PATH, authenticate(auth), sameOriginWrites(publicUrl));
  app.post(MCP_PATH, requireRole('agent', 'operator'), async (c) => {
    const credentials: Record<string, string> = { 'x-trace-id': c.var.traceId };
    for (const name of FORWARDED) {
      const value = c.req.header(name);
      if (value !== undefined) credentials[name] = value;
    }
    const api: ApiCall = async (method, path, body, headers = {}) => {
      const response = await app.request(new URL(path, c.req.url).toString(), {
        method,
        headers: { ...credentials, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null };
    };
    // The input guard has read the body already (it checks every JSON body), so hand the transport the parsed message.
    let parsedBody: unknown;
    try {
      parsedBody = JSON.parse(await c.req.text());
    } catch {
      return c.json({ jsonrpc: '2.0', error: { code: -32700, message: 'Parse error: the body is not JSON' }, id: null }, 400);
    }
    const server = createMcpServer(api);
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    await server.connect(transport);
    // A caller that hangs up ends its waits.
    c.req.raw.signal.addEventListener('abort', () => void server.close(), { once: true });
    return transport.handleRequest(c.req.raw, { parsedBody });
  });
}
