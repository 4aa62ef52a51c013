import { createBot } from '../telegram/bot.js';
import { boot, exitWith, onShutdown } from './boot.js';

/**
 * Telegram long polling, for deployments without a public webhook URL. Run
 * exactly one: polling deletes the webhook, so never poll from `web`.
 */
const { deps } = await boot({ process: 'bot', singleProcess: false });
if (!deps.config.telegram.enabled || !deps.config.telegram.botToken) exitWith('the bot process needs TELEGRAM_BOT_TOKEN');
const bot = createBot(deps);
onShutdown(deps.logger, 15_000, async () => {
  await bot.stop();
  await deps.close();
});
deps.logger.info('Telegram polling started');
await bot.start({ drop_pending_updates: false, allowed_updates: ['message', 'callback_query'] });
