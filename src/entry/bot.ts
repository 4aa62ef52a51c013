import { createBot } from '../telegram/bot.js';
import { boot, onShutdown } from './boot.js';
import { idleUntilSignal } from './idle.js';
import { botIdleReason } from './process-roles.js';

/**
 * Telegram long polling, for deployments without a public webhook URL. Run
 * exactly one: polling deletes the webhook, so never poll from `web`. Without
 * Telegram configured it idles (and says why) instead of taking a Procfile
 * runner's other processes down with it.
 */
const { deps } = await boot({ process: 'bot', singleProcess: false });
const idleReason = botIdleReason(deps.config.telegram);
if (idleReason) {
  await deps.close();
  idleUntilSignal(deps.logger, idleReason);
} else {
  const bot = createBot(deps);
  onShutdown(deps.logger, 15_000, async () => {
    await bot.stop();
    await deps.close();
  });
  deps.logger.info('Telegram polling started');
  await bot.start({ drop_pending_updates: false, allowed_updates: ['message', 'callback_query'] });
}
