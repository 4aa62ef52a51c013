import { startWorkers } from '../../workers/start.js';
import { connectRedis } from '../redis/connect.js';
import { boot, onShutdown } from './boot.js';
import { listen } from './serve.js';

/** web + workers in one process, for a single machine. */
const { deps, stopLocalRedis } = await boot({ process: 'start', singleProcess: true });
const connection = await connectRedis(deps.redisUrl, 'worker', (error) => deps.logger.error({ err: error }, 'worker redis error'));
const workers = startWorkers(deps, connection);
const http = await listen(deps);
deps.logger.info({ port: http.port, queues: workers.queues, database: deps.dbKind }, `Flywheel running on http://localhost:${http.port}`);
onShutdown(deps.logger, (deps.config.workers.shutdownTimeoutSec + 5) * 1000, async () => {
  await http.close();
  await workers.close();
  await connection.quit().catch(() => connection.disconnect());
  await deps.close();
  await stopLocalRedis();
});
