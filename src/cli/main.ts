import { parseArgs } from 'node:util';
import type { ErrorBody } from '../api/errors.js';
import { ApiClient, CliError } from './client.js';
import { commands } from './commands.js';
import { serveMcpStdio } from '../mcp/stdio.js';
import type { ProgressStream } from './progress.js';

export function usage(): string {
  const lines = Object.values(commands).map((c) => `  ${c.usage.padEnd(58)} ${c.summary}`);
  return `usage: flywheel <command> [options]

${lines.join('\n')}
  ${'mcp'.padEnd(58)} serve the approval tools to an AI agent over MCP (stdio)

options: --json        machine-readable JSON on stdout (every command)
         --url URL     the service (FLYWHEEL_URL, default http://localhost:3000)
         --token T     an API token (FLYWHEEL_TOKEN, else FLYWHEEL_ADMIN_TOKEN)
exit:    0 done, 1 failed (API error, failed job, refused action), 2 usage error`;
}

export interface Io {
  out(text: string): void;
  /** stderr, for progress lines. */
  progress: ProgressStream;
}

export async function main(argv: string[], env: NodeJS.ProcessEnv, io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        url: { type: 'string' },
        token: { type: 'string' },
        data: { type: 'string' },
        // Waiting is the default now; --wait is still accepted for scripts written before.
        wait: { type: 'boolean', default: false },
        detach: { type: 'boolean', default: false },
        timeout: { type: 'string' },
        status: { type: 'string' },
        kind: { type: 'string' },
        reason: { type: 'string' },
        limit: { type: 'string' },
        watch: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n${usage()}`, 2);
  }
  const { values, positionals } = parsed;
  const baseUrl = values.url ?? env.FLYWHEEL_URL ?? 'http://localhost:3000';
  const token = values.token ?? env.FLYWHEEL_TOKEN ?? env.FLYWHEEL_ADMIN_TOKEN;
  if (positionals[0] === 'mcp' && !values.help) {
    if (!token) throw new CliError('set FLYWHEEL_TOKEN (or pass --token) to an agent token', 2);
    // stdout is the MCP channel from here on: nothing else may be printed to it.
    await serveMcpStdio(baseUrl, token);
    return 0;
  }
  const key = positionals.slice(0, 2).join(' ');
  const command = commands[key] ?? commands[positionals[0] ?? ''];
  if (values.help || !command) {
    if (!values.help && positionals.length > 0) throw new CliError(`unknown command "${positionals.join(' ')}"\n${usage()}`, 2);
    io.out(usage());
    return values.help ? 0 : 2;
  }
  if (!token) throw new CliError('set FLYWHEEL_TOKEN (or pass --token) to an API token', 2);
  const client = new ApiClient(baseUrl, token);
  const args = positionals.slice(commands[key] ? 2 : 1);
  const result = await command.run({ client, args, options: values, now: new Date(), json: values.json, progress: io.progress });
  io.out(values.json ? JSON.stringify(result.json, null, 2) : result.text);
  return result.exitCode ?? 0;
}

/**
 * The API's error envelope `{ error: { code, message, field? } }` for a failure:
 * the API's own when it answered with one, else one for the CLI's failure
 * (`unreachable`, `usage`, `cli_error`).
 */
export function errorEnvelope(error: unknown): ErrorBody {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof CliError && error.api) {
    const { code, field } = error.api;
    return { error: { code, message: error.api.message ?? message, ...(field ? { field } : {}) } };
  }
  const code = error instanceof CliError ? (error.status === 2 ? 'usage' : error.code) : 'cli_error';
  return { error: { code, message } };
}

/** Prints a failure: the message on stderr, and with --json the error envelope on stdout as well. */
function fail(error: unknown, json: boolean): number {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`flywheel: ${message}\n`);
  if (json) process.stdout.write(`${JSON.stringify(errorEnvelope(error), null, 2)}\n`);
  return error instanceof CliError && error.status === 2 ? 2 : 1;
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('flywheel.js')) {
  const argv = process.argv.slice(2);
  main(argv, process.env, { out: (text) => process.stdout.write(`${text}\n`), progress: process.stderr }).then(
    (code) => process.exit(code),
    (error: unknown) => process.exit(fail(error, argv.includes('--json'))),
  );
}
