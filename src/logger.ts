import { type DestinationStream, type Logger, pino } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

/**
 * Structured logs: JSON lines for log shippers, or pino-pretty's readable lines
 * when written to a terminal (stdout is a TTY and no destination is given).
 * Credentials are redacted wherever they appear in a logged object.
 */
export function createLogger(level: string, destination: DestinationStream | undefined = terminalDestination(process.stdout)): Logger {
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

/** pino-pretty on a terminal, written synchronously so nothing is lost at exit; undefined (pino's JSON on stdout) otherwise. */
export function terminalDestination(stdout: NodeJS.WriteStream | { isTTY?: boolean }): DestinationStream | undefined {
  if (!stdout.isTTY) return undefined;
  return prettyDestination(1, Boolean((stdout as NodeJS.WriteStream).hasColors?.()));
}

/** Readable log lines: time, level, message, then the fields. */
export function prettyDestination(destination: number | NodeJS.WritableStream, colorize: boolean): DestinationStream {
  return pretty({ destination, colorize, sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
}
