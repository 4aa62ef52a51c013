import { createHash } from 'node:crypto';
import { autoRetry } from '@grammyjs/auto-retry';
import { Api } from 'grammy';
import type { Config } from '../config/schema.js';

/** grammY wants the API root without a trailing slash. */
export const apiRoot = (config: Config['telegram']) => config.apiRoot.replace(/\/+$/, '');

/** A Bot API client that waits out 429s (retry_after) and retries 5xx a few times within one job attempt. */
export function createTelegramApi(config: Config['telegram']): Api {
  const api = new Api(config.botToken, { apiRoot: apiRoot(config) });
  api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 60 }));
  return api;
}

/** The key that signs inline-button callback data, derived from the bot token. */
export function callbackSecret(config: Config['telegram']): string {
  return createHash('sha256').update(`flywheel:telegram-callback:${config.botToken}`).digest('hex');
}
