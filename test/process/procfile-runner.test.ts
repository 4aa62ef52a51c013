import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { diagnosticsQueue } from '../../queues/diagnostics.js';
import { botIdleReason, releaseStaysUp } from '../../src/entry/process-roles.js';
import { parseConfig } from '../../src/config/load.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { buildOnce } from '../support/build.js';
import { writeConfigFile } from '../support/entry-process.js';
import { type ProcfileRun, runProcfile } from '../support/procfile.js';
import { waitFor } from '../support/wait-for.js';
import { freePort } from '../../src/redis/local-server.js';
import { parse } from 'yaml';

describe('foreman / honcho start with the Procfile as shipped, Telegram not configured', { timeout: 400_000 }, () => {
  let ctx: TestContext;
  let run: ProcfileRun | undefined;

  before(async () => {
    await buildOnce();
    ctx = await createTestContext({ config: { logging: { level: 'info' }, workers: { shutdownTimeoutSec: 5 } } });
  }, { timeout: 600_000 }); // compiling dist takes minutes on a loaded machine
  after(async () => {
    await run?.stop();
    await ctx.cleanup();
  });

  it('runs a working system: release migrates and stays, bot idles saying why, web answers, a worker runs a job', async () => {
    // The runner's PORT decides where web listens, as in a real Procfile deployment.
    const tree = parse(ctx.configYaml) as Record<string, Record<string, unknown>>;
    const configPath = writeConfigFile({ ...tree, server: { ...tree.server, port: '${PORT}' } });
    const basePort = await freePort();
    run = runProcfile({ FLYWHEEL_CONFIG: configPath }, basePort);
    const webPort = basePort + 100 * Object.keys(run.processes).indexOf('web');
    const seen: { exited?: { type: string; code: number | null } } = {};
    void run.firstExit.then((e) => (seen.exited = e));
    const exitedNow = () => seen.exited;
    const bot = run.processes.bot!;
    await waitFor(() => exitedNow() ?? bot.output().includes('Telegram is not configured'), { what: 'the bot to say it idles', timeoutMs: 120_000 });
    const stopped = exitedNow();
    assert.equal(stopped, undefined, `${stopped?.type} exited and the runner stopped everything: ${run.processes[stopped?.type ?? '']?.output()}`);
    await waitFor(async () => exitedNow() ?? (await fetch(`http://127.0.0.1:${webPort}/readyz`).then((r) => r.ok, () => false)), { what: 'web /readyz', timeoutMs: 120_000 });
    await waitFor(() => exitedNow() ?? run!.processes.release!.output().includes('release stays up'), { what: 'release', timeoutMs: 60_000 });
    const { id } = await ctx.deps.queues.enqueue(diagnosticsQueue, 'echo', { holdMs: 0, echo: 'procfile' });
    const job = await waitFor(async () => {
      const j = await ctx.deps.queues.get('diagnostics').getJob(id);
      return j?.finishedOn ? j : exitedNow();
    }, { what: 'a worker to run the job', timeoutMs: 60_000 });
    assert.equal(exitedNow(), undefined, `${exitedNow()?.type} exited`);
    assert.deepEqual((job as { returnvalue: { echo: string } }).returnvalue.echo, 'procfile');
    await run.stop();
    run = undefined;
  });

  it('polls only with a bot token and no webhook; release exits on Heroku (DYNO) and where no runner sets PORT', () => {
    const telegram = (yaml: string) => parseConfig(yaml, {}).telegram;
    assert.match(botIdleReason(telegram('{}'))!, /TELEGRAM_BOT_TOKEN is unset/);
    assert.match(botIdleReason(telegram('telegram: { botToken: "123:abc", webhookSecret: s3cret }'))!, /webhook/);
    assert.equal(botIdleReason(telegram('telegram: { botToken: "123:abc" }')), null);
    assert.equal(releaseStaysUp({ PORT: '5200' }), true);
    assert.equal(releaseStaysUp({ PORT: '5200', DYNO: 'release.1' }), false);
    assert.equal(releaseStaysUp({}), false);
  });
});
