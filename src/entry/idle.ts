import type { Logger } from '../logger.js';

/**
 * Keeps a process that has nothing to do alive until SIGTERM/SIGINT, saying why.
 * Procfile runners (foreman, honcho) stop every process as soon as one exits,
 * so a process type with no work must wait rather than end.
 */
export function idleUntilSignal(logger: Logger, reason: string): void {
  const keepAlive = setInterval(() => {}, 2 ** 30);
  const stop = (signal: NodeJS.Signals) => {
    clearInterval(keepAlive);
    logger.info({ signal }, 'idle process stopping');
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  // Said once a signal would be handled: a supervisor may stop it the moment it reads this.
  logger.warn(reason);
}
