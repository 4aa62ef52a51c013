import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { BUILTIN_CONFIG_YAML } from '../../src/config/builtin.js';
import { parseConfig } from '../../src/config/load.js';
import { readProcfile } from '../support/procfile.js';

interface Service {
  image?: string;
  build?: unknown;
  command?: string;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  profiles?: string[];
  ports?: string[];
  container_name?: string;
  restart?: string;
  stop_grace_period?: string;
  healthcheck?: { disable?: boolean };
}

// compose.yaml shares the Flywheel services' settings through a YAML anchor and merge keys (`<<:`).
const compose = parse(readFileSync('compose.yaml', 'utf8'), { merge: true }) as { services: Record<string, Service> };
const procfile = readProcfile();
const flywheelServices = Object.keys(procfile);

/** The Dockerfile's stages, each as its instruction lines (continuations joined). */
function dockerStages(): string[][] {
  const lines = readFileSync('Dockerfile', 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const stages: string[][] = [];
  for (const line of lines) {
    if (/^FROM\s/i.test(line)) stages.push([]);
    stages.at(-1)?.push(line);
  }
  return stages;
}

describe('compose.yaml runs the Procfile processes from one image', () => {
  it("gives each Procfile process a service whose command is the Procfile's, and nothing else besides Postgres and Redis", () => {
    assert.deepEqual(Object.keys(compose.services).sort(), [...flywheelServices, 'postgres', 'redis'].sort());
    for (const [type, command] of Object.entries(procfile)) assert.equal(compose.services[type]?.command, command, `service ${type}`);
  });

  it('builds one image for every Flywheel service', () => {
    const images = new Set(flywheelServices.map((s) => `${compose.services[s]?.image} ${JSON.stringify(compose.services[s]?.build)}`));
    assert.equal(images.size, 1, [...images].join(' | '));
    assert.ok(compose.services.web?.build, 'the image is built from this repository');
  });

  it('runs release to completion before web, worker and bot start', () => {
    for (const s of flywheelServices.filter((s) => s !== 'release')) {
      assert.equal(compose.services[s]?.depends_on?.release?.condition, 'service_completed_successfully', s);
      assert.equal(compose.services[s]?.depends_on?.postgres?.condition, 'service_healthy', s);
      assert.equal(compose.services[s]?.depends_on?.redis?.condition, 'service_healthy', s);
    }
    const release = compose.services.release!;
    assert.equal(release.restart, 'no', 'a restart policy would run release again and again');
    // release stays up when PORT is set (src/entry/process-roles.ts), and compose would wait for it forever.
    assert.equal(release.environment?.PORT, undefined);
  });

  it('lets worker scale with --scale and keeps the bot behind a profile', () => {
    const worker = compose.services.worker!;
    assert.equal(worker.container_name, undefined);
    assert.equal(worker.ports, undefined);
    assert.ok((compose.services.bot?.profiles ?? []).length > 0, 'bot has a profile: exactly one, and only with Telegram');
    assert.equal(compose.services.web?.profiles, undefined);
    assert.equal(worker.profiles, undefined);
  });

  it('runs Redis with noeviction and AOF', () => {
    const command = compose.services.redis?.command ?? '';
    assert.match(command, /--maxmemory-policy noeviction\b/);
    assert.match(command, /--appendonly yes\b/);
  });

  it('passes only environment variables Flywheel reads, and gives the workers longer than their shutdown deadline', () => {
    const read = new Set([...BUILTIN_CONFIG_YAML.matchAll(/\$\{([A-Z0-9_]+)/g)].map(([, name]) => name));
    for (const s of flywheelServices) {
      const unknown = Object.keys(compose.services[s]?.environment ?? {}).filter((name) => !read.has(name) && !name.startsWith('OTEL_'));
      assert.deepEqual(unknown, [], `service ${s} sets variables nothing reads`);
      assert.match(compose.services[s]?.environment?.DATABASE_URL ?? '', /^postgres:\/\/.+@postgres:5432\//, s);
      assert.match(compose.services[s]?.environment?.REDIS_URL ?? '', /^redis:\/\/redis:6379/, s);
    }
    const defaults = parseConfig('', {});
    const grace = Number.parseInt(compose.services.worker?.stop_grace_period ?? '10', 10);
    assert.ok(grace > defaults.workers.shutdownTimeoutSec + 5, `stop_grace_period ${grace}s`);
  });

  it('checks health only where HTTP is served: web keeps the image HEALTHCHECK, the others turn it off', () => {
    assert.equal(compose.services.web?.healthcheck, undefined);
    for (const s of flywheelServices.filter((s) => s !== 'web')) assert.equal(compose.services[s]?.healthcheck?.disable, true, s);
  });
});

describe('Dockerfile', () => {
  const stages = dockerStages();
  const final = stages.at(-1)!;
  const has = (stage: string[], pattern: RegExp) => stage.some((l) => pattern.test(l));

  it('is multi-stage: the build stage compiles, the final stage installs production dependencies only', () => {
    assert.ok(stages.length >= 2, 'at least a build and a final stage');
    assert.ok(has(stages[0]!, /^RUN .*npm ci\b/));
    assert.ok(has(stages[0]!, /^RUN .*npm run build\b/));
    assert.ok(has(final, /^RUN .*npm ci\b.*--omit=dev\b/), 'npm ci --omit=dev in the final stage');
    assert.ok(!has(final, /npm run build|tsc\b/), 'nothing is compiled in the final stage');
    assert.ok(has(final, /^COPY --from=\S+ \S*dist\b/), 'the final stage takes the compiled dist/ from the build');
  });

  it('runs as a non-root user', () => {
    const user = final.filter((l) => /^USER\s/i.test(l)).at(-1);
    assert.ok(user, 'a USER in the final stage');
    assert.doesNotMatch(user, /^USER\s+(root|0)(:|\s|$)/i);
  });

  it('checks health on /readyz, and its default command is a Procfile command (web)', () => {
    const healthcheck = final.find((l) => /^HEALTHCHECK\s/i.test(l)) ?? '';
    assert.match(healthcheck, /\/readyz/);
    const cmd = final.find((l) => /^CMD\s/i.test(l)) ?? '';
    const argv = JSON.parse(cmd.replace(/^CMD\s+/i, '')) as string[];
    assert.equal(argv.join(' '), procfile.web);
    assert.ok(!has(final, /^ENTRYPOINT\s/i), 'an entrypoint would stop compose commands from choosing the process');
  });

  it('does not set PORT, which would keep release up instead of exiting', () => {
    assert.ok(!stages.flat().some((l) => /^ENV\s.*\bPORT\b/i.test(l)));
  });

  it('keeps local installs, builds, data and secrets out of the build context', () => {
    const ignored = readFileSync('.dockerignore', 'utf8')
      .split('\n')
      .map((l) => l.trim());
    for (const path of ['node_modules', 'dist', '.git', '.flywheel', 'flywheel.yaml', '.env']) assert.ok(ignored.includes(path), `.dockerignore lacks ${path}`);
  });
});
