import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { parse } from 'yaml';
import { freePort } from '../../src/redis/local-server.js';
import { TEST_REDIS_URL } from '../support/services.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LIMIT_MS = 180_000;

interface DemoRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  ms: number;
  stdout: string;
  stderr: string;
}

/** Runs `scripts/demo.ts` (what `npm run demo` runs) to its end, killed at LIMIT_MS. */
function runDemo(args: string[], env: Record<string, string> = {}): Promise<DemoRun> {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // SIGTERM first: the demo then stops Flywheel and the downstream before it exits.
  const term = setTimeout(() => child.kill('SIGTERM'), LIMIT_MS);
  const kill = setTimeout(() => child.kill('SIGKILL'), LIMIT_MS + 30_000);
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      clearTimeout(term);
      clearTimeout(kill);
      resolve({ code, signal, ms: Date.now() - started, stdout, stderr });
    });
  });
}

describe('npm run demo', () => {
  it('reaches the end of the scenario unattended with --yes in under 3 minutes, prints a summary and stops everything', { timeout: LIMIT_MS + 60_000 }, async () => {
    const workDir = mkdtempSync(join(tmpdir(), 'flywheel-demo-test-'));
    const port = await freePort();
    // On the shared Redis (REDIS_URL) rather than a private redis-server, so what the run leaves there shows.
    const run = await runDemo(['--yes', '--port', String(port), '--work-dir', workDir], { REDIS_URL: TEST_REDIS_URL });
    const context = `exit ${run.code ?? run.signal} after ${Math.round(run.ms / 1000)} s\n${run.stdout.slice(-4000)}\n${run.stderr.slice(-2000)}`;
    assert.equal(run.code, 0, context);
    assert.ok(run.ms < LIMIT_MS, context);

    const line = (prefix: string) => run.stdout.split('\n').find((l) => l.startsWith(prefix));
    const dashboard = line('DASHBOARD_URL=')?.slice('DASHBOARD_URL='.length);
    assert.equal(dashboard, `http://127.0.0.1:${port}`, context);
    // Plain words: no controller internals, no 15-digit floats.
    const progress = run.stdout.split('\n').filter((l) => !l.startsWith('SUMMARY ')).join('\n');
    assert.doesNotMatch(progress, /gradient/i);
    assert.doesNotMatch(progress, /\d\.\d{4,}/);
    assert.match(progress, /capacity ≈ \d+\/s, sending \d+(\.\d)?\/s/);
    assert.match(line('TOKEN=') ?? '', /^TOKEN=[0-9a-f]{32}$/, context);
    for (const step of ['1/9', '5/9', '9/9']) assert.ok(run.stdout.includes(` ${step} `), `progress line ${step}\n${context}`);

    const summaryLine = line('SUMMARY ');
    assert.ok(summaryLine, context);
    const summary = JSON.parse(summaryLine.slice('SUMMARY '.length)) as {
      ok: boolean;
      seconds: number;
      steps: { step: string; seconds: number }[];
      facts: {
        plan: { sendRatePerSec: number; capacityPerSec: number; audienceSize: number };
        launch: { resolution: string };
        adaptation: { capacityAfter: number; rateBefore: number };
        pause: { reason: string; resolution: string };
        campaign: { status: string; delivered: number; total: number };
        experiment: { winner: string; proposals: { kind: string; arm: string; from: number; to: number }[]; rewardAfter: Record<string, number> };
        beta: { candidates: { tenantId: string; score: number }[]; stories: unknown[]; committedPoints: number; reportPath: string };
      };
    };
    const { facts } = summary;
    assert.equal(summary.ok, true);
    assert.equal(summary.steps.length, 9);
    assert.ok(summary.seconds < LIMIT_MS / 1000);
    assert.ok(facts.plan.sendRatePerSec > 0 && facts.plan.sendRatePerSec <= facts.plan.capacityPerSec, 'the campaign is planned inside capacity');
    assert.match(facts.launch.resolution, /^approved on console by alice/);
    assert.ok(facts.adaptation.capacityAfter < facts.adaptation.rateBefore, 'the downstream dropped below the send rate');
    assert.match(facts.pause.reason, /^auto-pause: /);
    assert.match(facts.pause.resolution, /^approved on console/);
    assert.deepEqual({ status: facts.campaign.status, delivered: facts.campaign.delivered }, { status: 'completed', delivered: facts.campaign.total });
    assert.equal(facts.campaign.total, facts.plan.audienceSize);
    assert.equal(facts.experiment.winner, 'streak');
    const raise = facts.experiment.proposals.find((p) => p.kind === 'reward.adjust');
    assert.ok(raise && raise.to > raise.from, JSON.stringify(facts.experiment.proposals));
    assert.equal(facts.experiment.rewardAfter.streak, raise.to);
    assert.ok(facts.beta.candidates.length > 0 && facts.beta.candidates.every((c) => c.score > 0.8));
    assert.ok(facts.beta.stories.length > 0 && facts.beta.committedPoints > 0);
    assert.match(readFileSync(facts.beta.reportPath, 'utf8'), /^# /m, 'the sprint report is written as Markdown');

    // Stopped: the service no longer answers and the embedded database folder is gone.
    await assert.rejects(fetch(`${dashboard}/healthz`, { signal: AbortSignal.timeout(2000) }));
    assert.equal(existsSync(join(workDir, 'pgdata')), false);
    // And its keys are gone from the shared Redis.
    const prefix = (parse(readFileSync(join(workDir, 'flywheel.demo.yaml'), 'utf8')) as { redis: { prefix: string } }).redis.prefix;
    const redis = new Redis(TEST_REDIS_URL);
    const left = [...(await redis.keys(`${prefix}:*`)), ...(await redis.keys(`{${prefix}:*`))];
    await redis.quit();
    assert.deepEqual(left, []);
    rmSync(workDir, { recursive: true, force: true }); // kept when the test fails, with the logs
  });
});
