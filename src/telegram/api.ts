import { createHash } from 'node:crypto';
import { autoRetry } from '@grammyjs/auto-retry';
import { Api } from 'grammy';
import type { Config } from '../config/schema.js';

/** grammY wants the API root without a trailing slash. */
export const apiRoot = (config: Config['telegram']) => config.apiRoot.replace(/\/+$/, '');

/** A Telegram that accepts the connection and never answers fails the call after this, not grammY's 500 s. */
const CALL_TIMEOUT_SEC = 15;

/** Client options of every Bot API client Flywheel makes (the notifier's and the bot's). */
export const clientOptions = (config: Config['telegram']) => ({ apiRoot: apiRoot(config), timeoutSeconds: CALL_TIMEOUT_SEC });

/**
 * Waits out a short 429 (retry_after up to 5 s) within the call. Network errors
 * and 5xx fail the call at once: auto-retry would otherwise retry network errors
 * without limit inside one job, holding the telegram queue for the whole outage.
 * The job's own bounded attempts and backoff (queues/telegram.ts) retry instead,
 * and the queue serves other jobs meanwhile.
 */
export const shortRetries = () => autoRetry({ maxRetryAttempts: 2, maxDelaySeconds: 5, rethrowHttpErrors: true, rethrowInternalServerErrors: true });

/** A Bot API client for sending notifications. */
export function createTelegramApi(config: Config['telegram']): Api {
  const api = new Api(config.botToken, clientOptions(config));
  api.config.use(shortRetries());
  return api;
}

/** The key that signs inline-button callback data, derived from the bot token. */
export function callbackSecret(config: Config['telegram']): string {
  return createHash('sha256').update(`flywheel:telegram-callback:${config.botToken}`).digest('hex');
}
