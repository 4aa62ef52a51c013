/**
 * How the MCP tools reach Flywheel: through its own HTTP API, so a tool has
 * exactly the API's authentication, roles, validation and audit. In `web` the
 * call goes to the app in-process; over stdio (`flywheel mcp`) to a running service.
 */
export type ApiCall = (method: 'GET' | 'POST', path: string, body?: unknown, headers?: Record<string, string>) => Promise<{ status: number; body: unknown }>;

/** The API of a running service, called with a bearer token (the stdio server's). */
export function httpApi(baseUrl: string, token: string): ApiCall {
  const base = baseUrl.replace(/\/+$/, '');
  return async (method, path, body, headers = {}) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? parseJson(text) : null };
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { error: { code: 'not_json', message: text.slice(0, 200) } };
  }
}
