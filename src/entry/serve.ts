import { type ServerType, serve } from '@hono/node-server';
import { createApp } from '../api/app.js';
import type { Deps } from '../deps.js';

/** Listens with the app; resolves once the port is bound. */
export function listen(deps: Deps): Promise<{ server: ServerType; port: number; close(): Promise<void> }> {
  const app = createApp(deps);
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: deps.config.server.port, hostname: deps.config.server.host }, (info) => {
      resolve({
        server,
        port: info.port,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
