import { keepSchedulers } from '../../queues/schedulers.js';
import { startWorkers } from '../../workers/start.js';
import { connectRedis } from '../redis/connect.js';
import { boot, onShutdown } from './boot.js';

const { deps } = await boot({ process: 'worker', singleProcess: false });
const connection = await connectRedis(deps.redisTarget, 'worker', (error) => deps.logger.error({ err: error }, 'worker redis error'));
const workers = startWorkers(deps, connection);
const schedulers = keepSchedulers(deps.queues, deps.redis, deps.config, (error) => deps.logger.warn({ err: error }, 'scheduler check failed'));
onShutdown(deps.logger, (deps.config.workers.shutdownTimeoutSec + 5) * 1000, async () => {
  schedulers.stop();
  const outcome = await workers.close();
  deps.logger.info({ outcome }, 'workers closed');
  await connection.quit().catch(() => connection.disconnect());
  await deps.close();
});
// Ready only once a SIGTERM would be a graceful shutdown: a supervisor may stop it the moment it reads this.
deps.logger.info({ queues: workers.queues }, 'worker started');
