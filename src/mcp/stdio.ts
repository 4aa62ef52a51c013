import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { httpApi } from './api.js';
import { createMcpServer } from './tools.js';

/**
 * `flywheel mcp`: the approval tools over stdio, for an agent host that starts
 * MCP servers as child processes. It calls a running service with the given
 * (agent) token; stdout carries only MCP messages. Resolves when stdin closes.
 */
export async function serveMcpStdio(baseUrl: string, token: string): Promise<void> {
  const server = createMcpServer(httpApi(baseUrl, token));
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
  });
  await server.connect(transport);
  await closed;
  await server.close();
}
