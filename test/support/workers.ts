import type { RedisClient as Redis } from '../../src/redis/connect.js';
import { connectRedis } from '../../src/redis/connect.js';
import { startWorkers } from '../../workers/start.js';
import type { TestContext } from './deps.js';

/** Every worker of the test's context, in this process, with a worker connection of its own. */
export async function startTestWorkers(ctx: TestContext): Promise<{ stop(): Promise<void> }> {
  const connection: Redis = await connectRedis(ctx.deps.redisTarget, 'worker', () => {});
  const workers = startWorkers(ctx.deps, connection);
  return {
    async stop() {
      await workers.close(5000);
      await connection.quit();
    },
  };
}
