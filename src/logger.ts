import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger };

/** Structured JSON logs. Credentials are redacted wherever they appear in a logged object. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      redact: {
        paths: ['*.authorization', '*.headers.authorization', '*.token', '*.botToken', '*.secret', '*.password', 'config.*'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
