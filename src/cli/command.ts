import { type ApiClient, CliError } from './client.js';
import type { ProgressStream } from './progress.js';

export interface CommandOptions {
  data?: string;
  wait?: boolean;
  detach?: boolean;
  timeout?: string;
  status?: string;
  kind?: string;
  reason?: string;
  limit?: string;
  watch?: boolean;
}

export interface CommandContext {
  client: ApiClient;
  /** Positionals after the command's own words, e.g. the id of `campaigns show <id>`. */
  args: string[];
  options: CommandOptions;
  now: Date;
  /** --json was given: only `CommandResult.json` is printed. */
  json: boolean;
  /** Progress lines go here (stderr); drawn only when it is a TTY. */
  progress: ProgressStream;
}

export interface CommandResult {
  /** Printed with --json: the API's answer, unchanged where there is one. */
  json: unknown;
  text: string;
  /** Non-zero when the command ran but the outcome is a failure (a failed job, a refused pause). @defaultValue 0 */
  exitCode?: number;
}

export interface Command {
  /** One line of usage: arguments and options. */
  usage: string;
  summary: string;
  run(ctx: CommandContext): Promise<CommandResult>;
}

/** A required positional or option; missing is a usage error (exit 2). */
export const need = (value: string | undefined, what: string): string => {
  if (!value) throw new CliError(`missing ${what}`, 2);
  return value;
};

export const enc = encodeURIComponent;

/** A positive integer option, or its default. */
export function intOption(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new CliError(`${name} must be a positive integer`, 2);
  return n;
}
