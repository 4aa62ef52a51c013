import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';

/**
 * A local HTTP receiver standing in for the company's messaging service: it
 * verifies signatures, counts requests per idempotency key, and measures how
 * many requests were in flight at once. Latency and failures can be changed
 * while it runs.
 */
export class TestDownstream {
  latencyMs = 0;
  /** Answer this status instead of 200 (e.g. 503) while set. */
  failWith: { status: number; retryAfter?: number } | null = null;
  readonly seen = new Map<string, number>();
  /** Every accepted message (one per recipient, batch requests split), in arrival order. */
  readonly messages: Record<string, unknown>[] = [];
  readonly arrivals: number[] = [];
  /** Arrivals of sends: every request but the Ops agent's probes. */
  readonly sendArrivals: number[] = [];
  /** When each `failWith` answer to a send (not to a probe) was sent. */
  readonly refusedAt: number[] = [];
  inFlight = 0;
  maxInFlight = 0;
  badSignatures = 0;
  probes = 0;
  private server: Server | undefined;
  url = '';

  constructor(private readonly secret: string) {}

  /** Listens on `port` (0: any free one). */
  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        this.inFlight++;
        this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
        this.arrivals.push(Date.now());
        const expected = `sha256=${createHmac('sha256', this.secret).update(body).digest('hex')}`;
        const finish = (status: number, headers: Record<string, string> = {}) => {
          this.inFlight--;
          res.writeHead(status, { 'content-type': 'application/json', ...headers });
          res.end('{}');
        };
        if (req.headers['x-flywheel-signature'] !== expected) {
          this.badSignatures++;
          return finish(401);
        }
        const probe = req.headers['x-flywheel-probe'] === '1';
        if (probe) this.probes++;
        else this.sendArrivals.push(Date.now());
        setTimeout(() => {
          if (this.failWith) {
            if (!probe) this.refusedAt.push(Date.now());
            return finish(this.failWith.status, this.failWith.retryAfter ? { 'retry-after': String(this.failWith.retryAfter) } : {});
          }
          const parsed = JSON.parse(body) as { messages?: { idempotencyKey: string }[]; idempotencyKey?: string };
          for (const m of parsed.messages ?? [parsed]) if (m.idempotencyKey) this.seen.set(m.idempotencyKey, (this.seen.get(m.idempotencyKey) ?? 0) + 1);
          this.messages.push(...((parsed.messages ?? [parsed]) as Record<string, unknown>[]));
          finish(200);
        }, this.latencyMs);
      });
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', resolve);
    });
    const address = this.server.address();
    this.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/deliver`;
    return this;
  }

  /** Requests that arrived in the last `ms` milliseconds. */
  arrivedWithin(ms: number): number {
    const since = Date.now() - ms;
    return this.arrivals.filter((t) => t >= since).length;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
