/** A failed API call: the method, path, status and the API's error message. */
export class DemoApiError extends Error {
  override name = 'DemoApiError';
  constructor(
    message: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(message);
  }
}

export interface ApiClient {
  readonly baseUrl: string;
  /** JSON in, JSON out; any status not in `ok` (default 2xx) throws DemoApiError. */
  json<T>(method: string, path: string, options?: { body?: unknown; token?: string; ok?: number[] }): Promise<T>;
  /** The body as text (e.g. the Markdown sprint report). */
  text(path: string, options?: { token?: string }): Promise<string>;
  /** The same client with another bearer token as its default. */
  as(token: string): ApiClient;
}

/** A small client of Flywheel's /api/v1 with a bearer token; every call has a timeout. */
export function apiClient(baseUrl: string, token: string, timeoutMs = 30_000): ApiClient {
  const request = async (method: string, path: string, options: { body?: unknown; token?: string; accept?: string } = {}) => {
    const headers: Record<string, string> = { authorization: `Bearer ${options.token ?? token}`, accept: options.accept ?? 'application/json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(`${baseUrl}${path}`, {
        method,
        headers,
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new DemoApiError(`${method} ${path}: ${error instanceof Error ? error.message : String(error)}`, 0, null);
    }
    return res;
  };
  const failure = async (method: string, path: string, res: Response) => {
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    const message = (body as { error?: { message?: string } } | null)?.error?.message ?? text.slice(0, 300);
    return new DemoApiError(`${method} ${path} answered ${res.status}: ${message}`, res.status, body);
  };
  return {
    baseUrl,
    async json<T>(method: string, path: string, options: { body?: unknown; token?: string; ok?: number[] } = {}) {
      const res = await request(method, path, options);
      const ok = options.ok ? options.ok.includes(res.status) : res.ok;
      if (!ok) throw await failure(method, path, res);
      return (await res.json()) as T;
    },
    async text(path: string, options: { token?: string } = {}) {
      const res = await request('GET', path, { ...options, accept: 'text/markdown' });
      if (!res.ok) throw await failure('GET', path, res);
      return res.text();
    },
    as: (other: string) => apiClient(baseUrl, other, timeoutMs),
  };
}

export class DemoTimeoutError extends Error {
  override name = 'DemoTimeoutError';
}

/**
 * Polls `check` until it returns something other than undefined/false, or the
 * deadline passes (DemoTimeoutError naming `what`). Errors from `check` end the wait.
 */
export async function poll<T>(check: () => Promise<T | undefined | false>, options: { what: string; timeoutMs: number; everyMs?: number }): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() >= deadline) throw new DemoTimeoutError(`${options.what}: not done within ${Math.round(options.timeoutMs / 1000)} s`);
    await new Promise((resolve) => setTimeout(resolve, options.everyMs ?? 500));
  }
}
