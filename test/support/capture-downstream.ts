import { createServer, type Server } from 'node:http';

export interface CapturedMessage {
  userId: string;
  text: string;
  reward: { mechanism: string; amount: number };
  arm: string | null;
}

/**
 * A local receiver that accepts every delivery (single or batch) and keeps the
 * messages it was sent, so tests can check what each recipient got. It does not
 * verify signatures: TestDownstream covers that.
 */
export class CaptureDownstream {
  readonly messages: CapturedMessage[] = [];
  private server: Server | undefined;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        const parsed = JSON.parse(body) as { messages?: CapturedMessage[] } & CapturedMessage;
        for (const m of parsed.messages ?? [parsed]) this.messages.push({ userId: m.userId, text: m.text, reward: m.reward, arm: m.arm });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/deliver`;
    return this;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
