import type { Config } from '../config/schema.js';

/** Why the bot process has nothing to poll, or null when it polls Telegram. */
export function botIdleReason(telegram: Config['telegram']): string | null {
  if (!telegram.botToken) {
    return 'Telegram is not configured (TELEGRAM_BOT_TOKEN is unset), so the bot process idles; set TELEGRAM_BOT_TOKEN to poll Telegram';
  }
  if (!telegram.enabled) return 'telegram.enabled is false, so the bot process idles';
  if (telegram.webhookSecret) {
    return 'Telegram uses the webhook (TELEGRAM_WEBHOOK_SECRET is set; web receives POST /telegram/webhook), so the bot process idles: polling would delete the webhook';
  }
  return null;
}

/**
 * Whether `release` should stay up after migrating: a local Procfile runner
 * (foreman, honcho, node-foreman) gives every process a PORT and stops them all
 * when one exits. Heroku's release phase (DYNO is set), compose and Kubernetes
 * jobs (no PORT) need it to exit.
 */
export function releaseStaysUp(env: Readonly<Record<string, string | undefined>>): boolean {
  return Boolean(env.PORT) && !env.DYNO;
}
