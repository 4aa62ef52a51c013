/** A small client of the Flywheel HTTP API, for the CLI. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.fetchImpl(`${this.baseUrl.replace(/\/+$/, '')}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      throw new CliError(`${response.status}: the server did not answer JSON (${text.slice(0, 120)})`);
    }
    if (!response.ok) {
      const error = (parsed as { error?: { message?: string; code?: string } } | null)?.error;
      throw new CliError(`${response.status} ${error?.code ?? ''}: ${error?.message ?? text}`.trim(), response.status);
    }
    return parsed as T;
  }
}

export class CliError extends Error {
  constructor(
    message: string,
    readonly status = 1,
  ) {
    super(message);
  }
}
