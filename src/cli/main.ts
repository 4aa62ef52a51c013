import { parseArgs } from 'node:util';
import { ApiClient, CliError } from './client.js';
import { commands } from './commands.js';

const USAGE = `usage: flywheel <command> [options]

  status                               components, health and queues
  jobs run <queue> [--data JSON] [--wait]  run an agent now
  jobs show <queue> <id>               a job's state and result
  approvals list [--status S] [--kind K]   pending requests (--status all for every status)
  approvals show <id>                  one request with payload and history
  approvals approve <id> [--reason R]  approve (binds to the payload shown)
  approvals reject <id> --reason R     reject

options: --json (machine-readable output), --url URL (FLYWHEEL_URL, default http://localhost:3000),
         --token T (FLYWHEEL_TOKEN)`;

export async function main(argv: string[], env: NodeJS.ProcessEnv, out: (text: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      url: { type: 'string' },
      token: { type: 'string' },
      data: { type: 'string' },
      wait: { type: 'boolean', default: false },
      status: { type: 'string' },
      kind: { type: 'string' },
      reason: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const key = positionals.slice(0, 2).join(' ');
  const command = commands[key] ?? commands[positionals[0] ?? ''];
  if (values.help || !command) {
    out(USAGE);
    return values.help ? 0 : 2;
  }
  const token = values.token ?? env.FLYWHEEL_TOKEN ?? env.FLYWHEEL_ADMIN_TOKEN;
  if (!token) throw new CliError('set FLYWHEEL_TOKEN (or pass --token) to an API token', 2);
  const client = new ApiClient(values.url ?? env.FLYWHEEL_URL ?? 'http://localhost:3000', token);
  const args = positionals.slice(commands[key] ? 2 : 1);
  const result = await command.run({ client, args, options: values, now: new Date() });
  out(values.json ? JSON.stringify(result.json, null, 2) : result.text);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('flywheel.js')) {
  main(process.argv.slice(2), process.env, (text) => process.stdout.write(`${text}\n`)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`flywheel: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(error instanceof CliError && error.status === 2 ? 2 : 1);
    },
  );
}
