import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type Channel, DownstreamClient, signature } from '../../src/downstream/client.js';

// The client answers every send with a result, never a throw: what the downstream said, or why
// there was no answer and whether the request may still be running there (in doubt).
describe('the downstream HTTP client', () => {
  let server: Server;
  let base: string;
  const seen: { path: string; headers: Record<string, unknown>; body: string }[] = [];
  const client = new DownstreamClient({ connectionsPerOrigin: 4 });
  const channel = (path: string, timeoutMs = 2000) =>
    ({ url: `${base}${path}`, mode: 'single', maxBatch: 1, timeoutMs, headers: { 'x-extra': 'yes' } }) as unknown as Channel;
  const send = (path: string, timeoutMs?: number) =>
    client.request(channel(path, timeoutMs), 'secret-0123456789', { campaignId: 'c1', idempotencyKey: 'c1:u1', body: { hello: 'world' } });

  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk;
      });
      req.on('end', () => {
        seen.push({ path: req.url ?? '', headers: req.headers, body });
        if (req.url === '/ok') res.end('{"ok":true}');
        else if (req.url === '/busy') res.writeHead(429, { 'retry-after': '7' }).end();
        else if (req.url === '/big') res.end(Buffer.alloc(1024 * 1024, 'x'));
        else if (req.url === '/slow') setTimeout(() => res.end(), 3000).unref();
        else if (req.url === '/trickle') {
          // The answer at once, then a byte of body every 50 ms for 2.5 s: never idle for a body timeout.
          res.writeHead(200).flushHeaders();
          const drip = setInterval(() => res.write('x'), 50).unref();
          setTimeout(() => {
            clearInterval(drip);
            res.end();
          }, 2500).unref();
        } else res.writeHead(500).end('boom');
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await client.close();
    server.closeAllConnections();
    server.close();
  });

  it('sends a signed POST with the idempotency key, the campaign and the channel headers', async () => {
    const result = await send('/ok');
    assert.deepEqual({ ...result, latencyMs: 0 }, { ok: true, status: 200, latencyMs: 0, retryAfterSec: null, error: null, inDoubt: false });
    const request = seen.find((r) => r.path === '/ok')!;
    assert.equal(request.body, '{"hello":"world"}');
    assert.equal(request.headers['idempotency-key'], 'c1:u1');
    assert.equal(request.headers['x-campaign-id'], 'c1');
    assert.equal(request.headers['x-extra'], 'yes');
    assert.equal(request.headers['x-flywheel-signature'], signature('secret-0123456789', request.body));
  });

  it("reads a 429's Retry-After, and a 5xx as a failed answer, not in doubt", async () => {
    assert.deepEqual({ ...(await send('/busy')), latencyMs: 0 }, { ok: false, status: 429, latencyMs: 0, retryAfterSec: 7, error: 'HTTP 429', inDoubt: false });
    assert.deepEqual(
      { ...(await send('/fail')), latencyMs: 0 },
      { ok: false, status: 500, latencyMs: 0, retryAfterSec: null, error: 'HTTP 500', inDoubt: false },
    );
  });

  it('takes the answer of a huge body from its status without reading it all, and goes on sending', async () => {
    const result = await send('/big');
    assert.equal(result.ok, true);
    assert.equal(result.status, 200);
    assert.equal((await send('/ok')).ok, true);
  });

  it('says a request that timed out may still be running there, and a refused connection may not', async () => {
    const slow = await send('/slow', 200);
    assert.equal(slow.ok, false);
    assert.equal(slow.status, null);
    assert.equal(slow.inDoubt, true);
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    await once(closed, 'close');
    const refused = await client.request({ ...channel('/ok'), url: `http://127.0.0.1:${port}/x` }, 's', { campaignId: 'c1', idempotencyKey: 'k', body: {} });
    assert.equal(refused.ok, false);
    assert.equal(refused.inDoubt, false, refused.error ?? '');
  });

  // A lease lasts the request's timeout, the second the timeout may fire late, and a second of slack
  // (lease-pool.ts). undici's headersTimeout and bodyTimeout are each that timeout, the body's between
  // chunks: an answer whose body trickled in kept the request, and its lease, going for 2.5 s here.
  it('answers within its timeout once the status is in, however slowly the body comes', async () => {
    const started = performance.now();
    const result = await send('/trickle', 200);
    const took = performance.now() - started;
    assert.equal(result.status, 200);
    assert.equal(result.ok, true);
    assert.ok(took < 200 + 1000, `answered after ${Math.round(took)} ms`);
  });
});
