import { createServer, type IncomingMessage, type Server } from 'node:http';

export interface RecordedCall {
  method: string;
  token: string;
  params: Record<string, any>;
  at: number;
  /** The HTTP status answered, or `dropped` (connection closed with no answer). */
  answered?: number | 'dropped';
}

/**
 * A stand-in for the Telegram Bot API on loopback: it records every call, hands
 * out message ids, can fail the next calls with 429/5xx, and serves getUpdates
 * from a queue so polling can be exercised too.
 */
export class FakeTelegram {
  readonly calls: RecordedCall[] = [];
  private server: Server | undefined;
  private nextMessageId = 100;
  private failures: { status: number; retryAfter?: number; method?: string }[] = [];
  private outages: { fail: number | 'dropped'; match: (c: RecordedCall) => boolean }[] = [];
  private updates: Record<string, unknown>[] = [];
  private waiters: (() => void)[] = [];
  apiRoot = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req).then((answer) => {
      if (answer === 'dropped') return void req.socket.destroy();
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    }));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.apiRoot = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    return this;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The next matching calls answer with this error instead. */
  failNext(count: number, status: number, options: { retryAfter?: number; method?: string } = {}) {
    for (let i = 0; i < count; i++) this.failures.push({ status, ...options });
  }

  /**
   * Until the returned function is called, every matching call fails: with this HTTP status, or
   * `dropped`, a network error (the connection closes with no answer).
   */
  failWhile(fail: number | 'dropped', match: (c: RecordedCall) => boolean = () => true): () => void {
    const outage = { fail, match };
    this.outages.push(outage);
    return () => {
      this.outages = this.outages.filter((o) => o !== outage);
    };
  }

  queueUpdate(update: Record<string, unknown>) {
    this.updates.push(update);
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Resolves once a call to `method` matching `match` has arrived. */
  async waitForCall(method: string, match: (c: RecordedCall) => boolean = () => true, timeoutMs = 10_000): Promise<RecordedCall> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.calls.find((c) => c.method === method && match(c));
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`fake Telegram: no ${method} call within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; body: unknown } | 'dropped'> {
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? '');
    if (!match) return { status: 404, body: { ok: false, error_code: 404, description: 'Not Found' } };
    const [, token = '', method = ''] = match;
    const raw = await new Promise<string>((resolve) => {
      let data = '';
      req.on('data', (chunk) => (data += chunk));
      req.on('end', () => resolve(data));
    });
    const params = raw ? (JSON.parse(raw) as Record<string, any>) : {};
    const call: RecordedCall = { method, token, params, at: Date.now() };
    this.calls.push(call);
    for (const wake of this.waiters.splice(0)) wake();
    const outage = this.outages.find((o) => o.match(call));
    if (outage) {
      call.answered = outage.fail;
      if (outage.fail === 'dropped') return 'dropped';
      return { status: outage.fail, body: { ok: false, error_code: outage.fail, description: 'Bad Gateway' } };
    }
    const failure = this.failures.findIndex((f) => !f.method || f.method === method);
    if (failure >= 0) {
      const [f] = this.failures.splice(failure, 1);
      const body: Record<string, unknown> = { ok: false, error_code: f!.status, description: f!.status === 429 ? 'Too Many Requests' : 'Internal Server Error' };
      if (f!.retryAfter !== undefined) body.parameters = { retry_after: f!.retryAfter };
      call.answered = f!.status;
      return { status: f!.status, body };
    }
    call.answered = 200;
    return { status: 200, body: { ok: true, result: this.result(method, params) } };
  }

  private result(method: string, params: Record<string, any>): unknown {
    const chat = { id: Number(params.chat_id ?? 0), type: 'private' };
    switch (method) {
      case 'getMe':
        return { id: 42, is_bot: true, first_name: 'Flywheel', username: 'flywheel_test_bot' };
      case 'sendMessage':
        return { message_id: this.nextMessageId++, date: Math.floor(Date.now() / 1000), chat, text: params.text, reply_markup: params.reply_markup };
      case 'editMessageText':
      case 'editMessageReplyMarkup':
        return { message_id: Number(params.message_id), date: Math.floor(Date.now() / 1000), chat, text: params.text ?? '' };
      case 'getUpdates':
        return this.updates.splice(0);
      default:
        return true;
    }
  }
}
