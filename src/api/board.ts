import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { HonoAdapter } from '@bull-board/hono';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import type { Queues } from '../../queues/queues.js';

export const BOARD_PATH = '/admin/queues';

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
      options: { uiConfig: { boardTitle: readOnlyMode ? 'Flywheel (read-only)' : 'Flywheel' } },
    });
    return new Hono().route(BOARD_PATH, adapter.registerPlugin());
  };
  return { full: build(false), readOnly: build(true) };
}
