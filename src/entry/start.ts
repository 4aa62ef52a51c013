import { keepSchedulers } from '../../queues/schedulers.js';
import { startWorkers } from '../../workers/start.js';
import { createBot } from '../telegram/bot.js';
import { connectRedis } from '../redis/connect.js';
import { boot, onShutdown } from './boot.js';
import { loginBanner } from './login-banner.js';
import { listen } from './serve.js';

/** web + workers in one process, for a single machine. */
const { deps, stopLocalRedis, runToken } = await boot({ process: 'start', singleProcess: true });
const connection = await connectRedis(deps.redisTarget, 'worker', (error) => deps.logger.error({ err: error }, 'worker redis error'));
const workers = startWorkers(deps, connection);
const schedulers = keepSchedulers(deps.queues, deps.redis, deps.config, (error) => deps.logger.warn({ err: error }, 'scheduler check failed'));
const http = await listen(deps);
// Without a webhook secret the single process polls Telegram itself (polling deletes any webhook).
const { telegram } = deps.config;
const bot = telegram.enabled && telegram.botToken && !telegram.webhookSecret ? createBot(deps) : null;
if (bot) void bot.start({ allowed_updates: ['message', 'callback_query'] }).catch((error: unknown) => deps.logger.error({ err: error }, 'Telegram polling stopped'));
onShutdown(deps.logger, (deps.config.workers.shutdownTimeoutSec + 5) * 1000, async () => {
  await http.close();
  if (bot) await bot.stop();
  schedulers.stop();
  await workers.close();
  await connection.quit().catch(() => connection.disconnect());
  await deps.close();
  await stopLocalRedis();
});
// Ready only once a SIGTERM would be a graceful shutdown: a supervisor may stop it the moment it reads this.
deps.logger.info({ port: http.port, queues: workers.queues, database: deps.dbKind }, `Flywheel running on http://localhost:${http.port}`);
// Printed, not logged: the run's token is for the person at the terminal, never for log storage.
process.stderr.write(`${loginBanner(deps.config, http.port, runToken).join('\n')}\n`);
