import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { type AppOptions, createApp } from '../../src/api/app.js';
import type { Deps } from '../../src/deps.js';

/** The app on a free loopback port, for a browser or a child process to call. */
export function serveApp(deps: Deps, options: AppOptions = {}): Promise<{ url: string; close(): Promise<void> }> {
  const app = createApp(deps, options);
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            // Keep-alive connections (a browser's) would hold close() open until they time out.
            (server as Server).closeAllConnections();
          }),
      });
    });
  });
}
