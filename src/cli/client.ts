/** A small client of the Flywheel HTTP API, for the CLI. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  /** The raw answer; throws only when the service cannot be reached. */
  async send(method: string, path: string, body?: unknown): Promise<{ status: number; contentType: string; text: string }> {
    const url = `${this.baseUrl.replace(/\/+$/, '')}${path}`;
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      // fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND) is its cause.
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new CliError(`cannot reach ${this.baseUrl} (${cause?.code ?? cause?.message ?? (error as Error).message}); is Flywheel running? (--url, FLYWHEEL_URL)`, 1, undefined, 'unreachable');
    }
    return { status: response.status, contentType: response.headers.get('content-type') ?? '', text: await response.text() };
  }

  /**
   * A JSON answer. A non-2xx status is a CliError carrying the API's error code,
   * unless it is listed in `accept` (e.g. 409 for "not possible in this state",
   * whose body says why).
   */
  async request<T>(method: string, path: string, body?: unknown, options: { accept?: readonly number[] } = {}): Promise<T> {
    return (await this.requestWithStatus<T>(method, path, body, options)).body;
  }

  async requestWithStatus<T>(method: string, path: string, body?: unknown, options: { accept?: readonly number[] } = {}): Promise<{ status: number; body: T }> {
    const { status, text } = await this.send(method, path, body);
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      throw new CliError(`${status}: the server did not answer JSON (${text.slice(0, 120)})`, 1, { httpStatus: status, code: 'not_json', message: `the server answered ${status} without JSON` });
    }
    if (status >= 300 && !options.accept?.includes(status)) throw apiError(status, parsed, text);
    return { status, body: parsed as T };
  }

  /** A text answer (e.g. Markdown); API errors still arrive as the JSON envelope. */
  async text(path: string): Promise<string> {
    const { status, text } = await this.send('GET', path);
    if (status >= 300) {
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not the envelope: report the text itself
      }
      throw apiError(status, parsed, text);
    }
    return text;
  }
}

function apiError(status: number, parsed: unknown, text: string): CliError {
  const error = (parsed as { error?: { message?: string; code?: string; field?: string } } | null)?.error;
  const code = error?.code ?? `http_${status}`;
  const field = error?.field ? ` (field ${error.field})` : '';
  const message = error?.message ?? text.slice(0, 200);
  return new CliError(`${status} ${error?.code ?? ''}: ${message}${field}`.replace(/ +:/, ':'), 1, { httpStatus: status, code, message, field: error?.field });
}

/** A failure the CLI reports on stderr; status 2 is a usage error (exit 2), anything else exits 1. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly status = 1,
    /** Set when the API answered with an error. */
    readonly api?: { httpStatus: number; code: string; message?: string; field?: string },
    /** The error code of a failure that is not the API's (the service unreachable, a timeout). */
    readonly code = 'cli_error',
  ) {
    super(message);
  }
}
