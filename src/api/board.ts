import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { HonoAdapter } from '@bull-board/hono';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono, type MiddlewareHandler } from 'hono';
import type { Queues } from '../../queues/queues.js';

export const BOARD_PATH = '/admin/queues';

const EXTERNAL_FONTS = /<link href="https:\/\/fonts\.googleapis\.com\/[^"]*" rel="stylesheet">/g;

/**
 * Bull Board's page links Google Fonts: an outside request from an operator console
 * (and a failed load where there is no internet). Without it the UI uses system fonts.
 */
const withoutExternalFonts: MiddlewareHandler = async (c, next) => {
  await next();
  if (!c.res.headers.get('content-type')?.includes('text/html')) return;
  const html = await c.res.text();
  c.res = new Response(html.replace(EXTERNAL_FONTS, ''), c.res);
};

/**
 * Bull Board has no authentication of its own, so the app puts auth in front of
 * it. Two boards share the path: operators get the full one, viewers a read-only one.
 */
export function bullBoards(queues: Queues): { full: Hono; readOnly: Hono } {
  const build = (readOnlyMode: boolean) => {
    const adapter = new HonoAdapter(serveStatic);
    adapter.setBasePath(BOARD_PATH);
    createBullBoard({
      queues: queues.all().map((queue) => new BullMQAdapter(queue, { readOnlyMode })),
      serverAdapter: adapter,
      options: {
        uiConfig: {
          boardTitle: readOnlyMode ? 'Flywheel (read-only)' : 'Flywheel',
          // Back to the console: job runs and traces live on the dashboard.
          miscLinks: [
            { text: 'Dashboard', url: '/dashboard/overview' },
            { text: 'Runs', url: '/dashboard/runs' },
          ],
        },
      },
    });
    return new Hono().use('*', withoutExternalFonts).route(BOARD_PATH, adapter.registerPlugin());
  };
  return { full: build(false), readOnly: build(true) };
}
