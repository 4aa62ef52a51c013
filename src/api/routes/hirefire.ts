import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import type { Deps } from '../../deps.js';
import { loadScalingReport } from '../../ops/scaling/scaling-store.js';
import type { AppEnv } from '../env.js';
import { errorBody } from '../errors.js';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * HireFire's worker-manager endpoint: `GET /hirefire/<token>/info` answers
 * `[{ "name": <Procfile process>, "quantity": <desired workers> }]`. The token in the
 * path is HireFire's own scheme; it is compared in constant time. Mounted only when
 * `ops.scaling.hirefireToken` is set.
 */
export function hirefireRoutes(deps: Deps) {
  const expected = digest(deps.config.ops.scaling.hirefireToken);
  return new Hono<AppEnv>().get('/hirefire/:token/info', async (c) => {
    if (!timingSafeEqual(digest(c.req.param('token')), expected)) return c.json(errorBody('not_found', 'unknown HireFire token'), 404);
    const report = await loadScalingReport(deps.redis, deps.queues.prefix);
    const processes = Object.entries(report?.processes ?? {}).map(([name, entry]) => ({ name, quantity: entry.desiredWorkers }));
    return c.json(processes, 200);
  });
}
