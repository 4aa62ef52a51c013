import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { dirname } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { freePort } from '../../src/redis/local-server.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { writeConfigFile } from '../support/entry-process.js';
import { readProcfile } from '../support/procfile.js';
import { waitFor } from '../support/wait-for.js';

const run = promisify(execFile);

/** Why the image cannot be built here (no docker CLI, or no daemon answers), or false when it can. */
function skipWithoutDocker(): string | false {
  try {
    execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'pipe', timeout: 15_000 });
    return false;
  } catch (error) {
    const { code, stderr } = error as { code?: string; stderr?: Buffer };
    if (code === 'ENOENT') return 'no docker CLI on this machine: the image build and /readyz check are skipped';
    const said = stderr?.toString().trim().split('\n').at(-1) ?? String(error);
    return `no Docker daemon answers (docker info: ${said}): the image build and /readyz check are skipped`;
  }
}

const docker = (...args: string[]) => run('docker', args, { maxBuffer: 64 * 1024 * 1024, timeout: 20 * 60_000 });

describe('the Docker image', { skip: skipWithoutDocker(), timeout: 30 * 60_000 }, () => {
  const image = `flywheel-test:${randomUUID().slice(0, 8)}`;
  const containers: string[] = [];
  let ctx: TestContext;

  before(
    async () => {
      await docker('build', '--tag', image, '.');
      ctx = await createTestContext({ config: { logging: { level: 'info' } } });
    },
    { timeout: 25 * 60_000 },
  );
  after(async () => {
    for (const id of containers) await docker('rm', '--force', id).catch(() => undefined);
    await docker('rmi', '--force', image).catch(() => undefined);
    await ctx?.cleanup();
  });

  it('migrates with release, serves /readyz from web, passes its own HEALTHCHECK and runs as a non-root user', async () => {
    // The host network reaches this machine's Postgres and Redis at 127.0.0.1, as the test config names them.
    const tree = parse(ctx.configYaml) as Record<string, Record<string, unknown>>;
    const configPath = writeConfigFile({ ...tree, server: { ...tree.server, port: '${PORT}' } });
    // The image runs as `node`, not as the owner of this temporary folder.
    chmodSync(dirname(configPath), 0o755);
    chmodSync(configPath, 0o644);
    const mount = ['--network', 'host', '--volume', `${dirname(configPath)}:/config:ro`, '--env', 'FLYWHEEL_CONFIG=/config/flywheel.yaml'];
    const procfile = readProcfile();

    const release = await docker('run', '--rm', ...mount, image, ...procfile.release!.split(' '));
    assert.match(release.stdout, /applied: 0001_foundation/);

    const port = await freePort();
    const { stdout: id } = await docker('run', '--detach', ...mount, '--env', `PORT=${port}`, image);
    containers.push(id.trim());
    const ready = await waitFor(
      async () => {
        const response = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
        return response?.status === 200 ? ((await response.json()) as { ready: boolean }) : undefined;
      },
      { what: 'the container to answer /readyz', timeoutMs: 120_000 },
    );
    assert.equal(ready.ready, true);

    const { stdout: healthcheck } = await docker('inspect', '--format', '{{json .Config.Healthcheck.Test}}', image);
    const [kind, ...argv] = JSON.parse(healthcheck) as string[];
    assert.equal(kind, 'CMD');
    await docker('exec', id.trim(), ...argv); // rejects when the check exits non-zero
    const { stdout: uid } = await docker('exec', id.trim(), 'id', '-u');
    assert.notEqual(uid.trim(), '0');
  });
});
