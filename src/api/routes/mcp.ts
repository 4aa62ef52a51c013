import { type OpenAPIHono, z } from '@hono/zod-openapi';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { ApiCall } from '../../mcp/api.js';
import { createMcpServer } from '../../mcp/tools.js';
import { type AuthOptions, authenticate, requireRole, sameOriginWrites } from '../auth.js';
import type { AppEnv } from '../env.js';
import { errorResponses } from '../schemas.js';

export const MCP_PATH = '/mcp';

const JsonRpcId = z.union([z.string(), z.number().int()]).openapi('JsonRpcId');

const JsonRpcRequest = z
  .object({
    jsonrpc: z.literal('2.0'),
    id: JsonRpcId.optional().openapi({ description: 'absent for a notification (answered 202, no body)' }),
    method: z.string().openapi({ example: 'tools/call', description: 'initialize, tools/list, tools/call, notifications/initialized, ping' }),
    params: z
      .object({
        name: z.string().optional().openapi({ description: 'tools/call: request_approval, get_approval or list_my_requests' }),
        arguments: z.record(z.string(), z.unknown()).optional().openapi({ description: "tools/call: the tool's input, as tools/list describes it" }),
      })
      .catchall(z.unknown())
      .optional(),
  })
  .openapi('JsonRpcRequest');

const JsonRpcResponse = z
  .object({
    jsonrpc: z.literal('2.0'),
    id: JsonRpcId.nullable(),
    result: z
      .object({
        content: z.array(z.object({ type: z.string(), text: z.string().optional() })).optional(),
        structuredContent: z
          .record(z.string(), z.unknown())
          .optional()
          .openapi({ description: 'tools/call: the approval request (id, status, decisions…) or a page of them' }),
        isError: z.boolean().optional(),
      })
      .catchall(z.unknown())
      .optional(),
    error: z.object({ code: z.number().int(), message: z.string(), data: z.unknown().optional() }).optional(),
  })
  .openapi('JsonRpcResponse');

/** The caller's credentials, passed on to the API calls its tools make. */
const FORWARDED = ['authorization', 'cookie', 'x-csrf-token', 'origin'] as const;

/**
 * The approval tools over MCP streamable HTTP, stateless: each POST gets a
 * server of its own whose tools call this app in-process with the caller's
 * credentials and trace id, so an agent token may do over MCP exactly what it
 * may do over the API (file, read and list its own requests; never decide).
 */
export function mountMcp(app: OpenAPIHono<AppEnv>, auth: AuthOptions, publicUrl: string): void {
  // Documented, not validated by the route: the transport answers a bad message with a JSON-RPC error, as MCP clients expect.
  app.openAPIRegistry.registerPath({
    method: 'post',
    path: MCP_PATH,
    tags: ['mcp'],
    summary: 'MCP (streamable HTTP, stateless): the approval tools for AI agents',
    description:
      'Model Context Protocol over streamable HTTP, one JSON-RPC message per POST, no session. Tools: `request_approval` (files a request and waits up to `waitSec` for the decision), `get_approval`, `list_my_requests`. Authenticate with an `agent` (or `operator`) token as a bearer token; a tool may do exactly what that token may do over `/api/v1/approvals`. Send `Accept: application/json, text/event-stream`: a long wait answers as an event stream with progress notifications.',
    request: { body: { required: true, content: { 'application/json': { schema: JsonRpcRequest } } } },
    responses: {
      200: {
        description: 'The JSON-RPC response, as JSON or as a text/event-stream of progress notifications ending with it',
        content: { 'application/json': { schema: JsonRpcResponse }, 'text/event-stream': { schema: z.string() } },
      },
      202: { description: 'A notification was accepted (no body)' },
      400: { description: 'Not a JSON-RPC message: a JSON-RPC error', content: { 'application/json': { schema: JsonRpcResponse } } },
      401: errorResponses[401],
      403: errorResponses[403],
      406: {
        description: 'The Accept header allows neither application/json nor text/event-stream',
        content: { 'application/json': { schema: JsonRpcResponse } },
      },
    },
  });
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
