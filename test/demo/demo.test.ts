import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { parse } from 'yaml';
import { freePort } from '../../src/redis/local-server.js';
import { runDemoToEnd, startKeptDemo } from '../support/demo-process.js';
import { TEST_REDIS_URL } from '../support/services.js';

/** `npm run demo -- --yes` ends within this on this (2-core, shared) machine. */
const LIMIT_MS = 60_000;
/** A run over the limit is let go on a while longer, so its output says where the time went. */
const STOP_MS = 150_000;

describe('npm run demo', () => {
  it('reaches the end of the scenario unattended with --yes in under 60 s, prints a summary and stops everything', { timeout: STOP_MS + 60_000 }, async () => {
    const workDir = mkdtempSync(join(tmpdir(), 'flywheel-demo-test-'));
    const port = await freePort();
    // On the shared Redis (REDIS_URL) rather than a private redis-server, so what the run leaves there shows.
    const run = await runDemoToEnd(['--yes', '--port', String(port), '--work-dir', workDir], { REDIS_URL: TEST_REDIS_URL }, STOP_MS);
    const stdout = run.stdout();
    const context = `exit ${run.exit.code ?? run.exit.signal} after ${Math.round(run.ms / 1000)} s\n${run.output().slice(-6000)}`;
    assert.equal(run.exit.code, 0, context);
    assert.ok(run.ms < LIMIT_MS, `the demo took ${Math.round(run.ms / 1000)} s, over ${LIMIT_MS / 1000} s\n${context}`);

    const line = (prefix: string) => stdout.split('\n').find((l) => l.startsWith(prefix));
    const dashboard = line('DASHBOARD_URL=')?.slice('DASHBOARD_URL='.length);
    assert.equal(dashboard, `http://127.0.0.1:${port}`, context);
    // Plain words: no controller internals, no 15-digit floats.
    const progress = stdout.split('\n').filter((l) => !l.startsWith('SUMMARY ')).join('\n');
    assert.doesNotMatch(progress, /gradient/i);
    assert.doesNotMatch(progress, /\d\.\d{4,}/);
    assert.match(progress, /capacity ≈ \d+\/s, sending \d+(\.\d)?\/s/);
    assert.match(line('TOKEN=') ?? '', /^TOKEN=[0-9a-f]{32}$/, context);
    for (const step of ['1/9', '5/9', '9/9']) assert.ok(stdout.includes(` ${step} `), `progress line ${step}\n${context}`);

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

  it('with --port P --keep-running stays up on P after the scenario until it is stopped', { timeout: STOP_MS + 60_000 }, async () => {
    const workDir = mkdtempSync(join(tmpdir(), 'flywheel-demo-kept-'));
    const port = await freePort();
    const demo = await startKeptDemo(['--yes', '--port', String(port), '--work-dir', workDir], { timeoutMs: STOP_MS });
    try {
      const base = `http://127.0.0.1:${port}`;
      assert.equal(demo.values.DASHBOARD_URL, base);
      assert.match(demo.stdout(), /^SUMMARY \{"ok":true/m, 'the scenario ran to its end first');
      // After the scenario's end: the same port answers, the dashboard lets the printed token in,
      // and the campaign left for browsing is there.
      assert.equal((await fetch(`${base}/healthz`)).status, 200);
      const login = await fetch(`${base}/login`);
      assert.equal(login.status, 200);
      assert.match(await login.text(), /token/i);
      const auth = { authorization: `Bearer ${demo.values.TOKEN}` };
      const dashboard = await fetch(`${base}/dashboard/overview`, { headers: auth });
      assert.equal(dashboard.status, 200);
      const live = await fetch(`${base}/api/v1/campaigns/${demo.values.LIVE_CAMPAIGN_ID}`, { headers: auth });
      assert.equal(live.status, 200);
      assert.equal(((await live.json()) as { name: string }).name, 'Hooli onboarding drip');
    } finally {
      const exit = await demo.stop();
      assert.equal(exit.signal, null, demo.output().slice(-3000));
    }
    await assert.rejects(fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) }), 'stopped with the demo');
    rmSync(workDir, { recursive: true, force: true });
  });
});
