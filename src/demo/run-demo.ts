import { apiClient } from './api-client.js';
import type { DemoContext, DemoFacts } from './context.js';
import { type DemoOptions, DemoUsageError, parseDemoArgs, USAGE } from './options.js';
import { Reporter } from './reporter.js';
import { betaProgram, experimentWinner } from './scenario-agents.js';
import { adaptDelivery, launchCampaign, leaveForBrowsing, pauseAndResume, planCampaign, seedData, warmUp } from './scenario-campaign.js';
import { generateDemoData } from './synthetic-data.js';
import { type DemoSystem, recentErrors, startSystem } from './system.js';
import { TUNING } from './tuning.js';

/**
 * With --yes, a guard against a hung step. The scenario takes 25–35 s on a loaded 2-core
 * machine (bench/RESULTS.md) and must end within 60 s there (test/demo); a slower machine
 * still sees it through rather than failing at 60 s.
 */
const TOTAL_BUDGET_MS = 150_000;
const STEPS = 9;

/** `npm run demo`: parses the arguments, runs the scenario, and resolves with the exit status. */
export async function runDemo(argv: readonly string[]): Promise<number> {
  let options: DemoOptions;
  try {
    options = parseDemoArgs(argv);
  } catch (error) {
    if (!(error instanceof DemoUsageError)) throw error;
    process.stderr.write(`demo: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const reporter = new Reporter(STEPS);
  let system: DemoSystem | null = null;
  let interrupted: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) process.exit(1);
    interrupted = signal;
    reporter.plain(`demo: ${signal}: stopping`);
    void (system?.stop() ?? Promise.resolve()).then(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const facts: DemoFacts = {};
  let context: DemoContext | null = null;
  try {
    const scenario = runScenario(options, reporter, facts, (s) => (system = s), (c) => (context = c));
    scenario.catch(() => {}); // raced below; a failure after the overall deadline is not news
    const overall = options.yes
      ? new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`the scenario did not finish within ${TOTAL_BUDGET_MS / 1000} s`)), TOTAL_BUDGET_MS).unref())
      : null;
    await (overall ? Promise.race([scenario, overall]) : scenario);
  } catch (error) {
    if (interrupted) return new Promise<number>(() => {}); // the signal handler exits
    const message = error instanceof Error ? error.message : String(error);
    reporter.plain(`demo failed: ${message}`);
    if (system) {
      const s: DemoSystem = system;
      for (const line of await recentErrors(s.flywheelLog)) reporter.plain(`  flywheel: ${line}`);
      if (!(await answers(`${s.baseUrl}/readyz`))) reporter.plain(`  flywheel does not answer ${s.baseUrl}/readyz within 5 s: its database or Redis is stuck, or the process is gone`);
      reporter.plain(`  logs: ${s.workDir}`);
    }
    reporter.summary({ ok: false, error: message, seconds: elapsed(reporter), steps: reporter.timings, facts });
    await (system as DemoSystem | null)?.stop({ keepData: true });
    return 1;
  }
  const s = system as DemoSystem | null;
  if (!s) return 1;
  const summary = { ok: true, seconds: elapsed(reporter), dashboardUrl: s.baseUrl, workDir: s.workDir, startup: s.startup, steps: reporter.timings, facts };
  printSummary(reporter, s, facts);
  reporter.summary(summary);
  if (!options.keepRunning) {
    await s.stop();
    return 0;
  }
  return keepRunning(reporter, s, context as DemoContext | null);
}

/** --keep-running: a campaign to pause and resume and a request to decide, then wait for a signal. */
async function keepRunning(reporter: Reporter, s: DemoSystem, ctx: DemoContext | null): Promise<number> {
  try {
    if (ctx) {
      const left = await leaveForBrowsing(ctx);
      reporter.plain(`Left for browsing: "Hooli onboarding drip" delivers one message every 2 s (pause or resume it at ${s.baseUrl}/dashboard/campaigns/${left.liveCampaignId})`);
      reporter.machine('LIVE_CAMPAIGN_ID', left.liveCampaignId);
      if (left.pendingApprovalId) {
        reporter.plain(`and the launch of "Autumn preview" waits for a decision at ${s.baseUrl}/dashboard/approvals/${left.pendingApprovalId}`);
        reporter.machine('PENDING_APPROVAL_ID', left.pendingApprovalId);
      }
    }
  } catch (error) {
    reporter.plain(`demo: could not set up the campaigns left for browsing: ${error instanceof Error ? error.message : String(error)}`);
  }
  reporter.plain(`Flywheel keeps running at ${s.baseUrl}/dashboard (log in at ${s.baseUrl}/login with TOKEN). Ctrl-C stops it.`);
  reporter.machine('DEMO_STATE', 'running');
  // Until a signal stops it; a child that dies meanwhile ends the demo.
  return s.crashed.catch(async (error: unknown) => {
    reporter.plain(`demo: ${error instanceof Error ? error.message : String(error)}`);
    await s.stop({ keepData: true });
    return 1;
  });
}

const answers = (url: string) =>
  fetch(url, { signal: AbortSignal.timeout(5000) }).then(
    (res) => res.ok,
    () => false,
  );

const elapsed = (reporter: Reporter) => Math.round((Date.now() - reporter.startedAt) / 100) / 10;

async function runScenario(options: DemoOptions, reporter: Reporter, facts: DemoFacts, started: (s: DemoSystem) => void, prepared: (ctx: DemoContext) => void): Promise<void> {
  // Budgets in --yes mode; without it, steps that wait for a person have none.
  const budget = (ms: number, waitsForPeople = false) => (options.yes ? ms : waitsForPeople ? null : ms * 2);
  const seed = options.seed ?? TUNING.seed;
  const system = await reporter.step('Start Flywheel (web, workers, bot) on embedded PGlite, and the simulated downstream', budget(90_000), async () => {
    const s = await startSystem({ workDir: options.workDir, port: options.port });
    started(s);
    const t = s.startup;
    const fw = t.flywheel;
    reporter.info(
      `up in ${t.totalSec} s, side by side: downstream ${t.downstreamSec} s; database folder ${t.database === 'created' ? 'made (first run: an initdb, kept as a template for the next runs)' : t.database === 'cloned' ? 'copied from the empty template' : 'kept from the last run'} in ${t.databaseSec} s; ` +
        `Flywheel ${t.flywheelSec} s (${fw.redisSec != null ? `loaded and Redis up at ${fw.redisSec} s, ` : ''}migrated at ${fw.migratedSec ?? '-'} s, listening at ${fw.listeningSec ?? '-'} s)`,
    );
    reporter.info(`downstream ${s.downstream.url} (capacity ${TUNING.downstream.capacity}/s); Redis: ${s.redis}; data and logs in ${s.workDir}`);
    reporter.info(`dashboard ${s.baseUrl}/dashboard — log in at ${s.baseUrl}/login with the token below (admin)`);
    reporter.machine('DASHBOARD_URL', s.baseUrl);
    reporter.machine('TOKEN', s.tokens.admin);
    reporter.info(`approvers: alice ${s.tokens.approvers[0]}, bob ${s.tokens.approvers[1]}; requests are made as demo (operator) ${s.tokens.operator}`);
    return s;
  });
  const api = apiClient(system.baseUrl, system.tokens.operator);
  const ctx: DemoContext = {
    api,
    reporter,
    approvals: { api: api.as(system.tokens.admin), reporter, autoApprove: options.yes, approverTokens: system.tokens.approvers, approverNames: ['alice', 'bob'] },
    downstream: system.downstream,
    data: generateDemoData({ seed, usersPerTenant: TUNING.usersPerTenant, now: Date.now() }),
    seed,
    workDir: system.workDir,
    facts,
  };
  prepared(ctx);
  const steps = async () => {
    await reporter.step('Seed synthetic tenants, users, 56 days of activity and feedback', budget(45_000), () => seedData(ctx));
    await reporter.step('Warm-up: a welcome campaign the policy launches at once; Ops measures the downstream', budget(40_000), () => warmUp(ctx));
    const campaign = await reporter.step('Growth plans the experiment campaign inside the measured capacity', budget(15_000), () => planCampaign(ctx));
    await reporter.step('Launch: the audience is over the guardrail, an approval waits on the dashboard', budget(20_000, true), () => launchCampaign(ctx, campaign));
    const log = await reporter.step('Delivery adapts to the downstream', budget(50_000), () => adaptDelivery(ctx, campaign));
    await reporter.step('A capacity drop pauses the campaign; resumed with approval once the downstream recovers', budget(80_000, true), () => pauseAndResume(ctx, campaign, log));
    await reporter.step('The experiment finds a winner and proposes a reward change', budget(40_000, true), () => experimentWinner(ctx, campaign));
    await reporter.step('The PM agent screens Beta candidates and writes the sprint report', budget(40_000), () => betaProgram(ctx));
  };
  const walk = steps();
  walk.catch(() => {}); // raced with a crash; once a child died, later failures follow from it
  await Promise.race([walk, system.crashed]);
}

function printSummary(reporter: Reporter, system: DemoSystem, f: DemoFacts): void {
  const lines = [
    `Summary (${elapsed(reporter)} s)`,
    f.data && `  data: ${f.data.tenants} tenants, ${f.data.users} users, ${f.data.events} events, ${f.data.feedback} feedback`,
    f.plan && `  plan: ${f.plan.audienceSize} recipients at ${f.plan.sendRatePerSec}/s within ${f.plan.capacityPerSec}/s capacity (${f.plan.capacitySource}), ETA ${f.plan.etaSec ?? '-'} s`,
    f.launch && `  launch: approval ${f.launch.approvalId}: ${f.launch.resolution}`,
    f.adaptation && `  adaptation: downstream ${f.adaptation.capacityBefore} → ${f.adaptation.capacityAfter}/s; send rate ${f.adaptation.rateBefore} → ${f.adaptation.rateAfter}/s; limit ${f.adaptation.limitBefore ?? '-'} → ${f.adaptation.limitAfter ?? '-'}`,
    f.pause && `  auto-pause after ${f.pause.pausedAfterSec} s: ${f.pause.reason}; resume ${f.pause.resolution}`,
    f.campaign && `  campaign: ${f.campaign.delivered}/${f.campaign.total} delivered, ${f.campaign.failed} failed, ${f.campaign.status} in ${f.campaign.durationSec} s`,
    f.experiment && `  experiment: winner ${f.experiment.winner}; ${f.experiment.proposals.map((p) => `${p.kind} ${p.arm} ${p.from} → ${p.to} (${p.outcome})`).join(', ')}; rewards now ${JSON.stringify(f.experiment.rewardAfter)}`,
    f.beta && `  beta: ${f.beta.candidates.length} candidates of ${f.beta.tenantsScreened} (${f.beta.candidates.map((c) => `${c.tenantId} ${c.score.toFixed(2)}`).join(', ')}); ${f.beta.stories.length} stories, ${f.beta.committedPoints}/${f.beta.capacity} points committed; report ${f.beta.reportPath}`,
    `  dashboard: ${system.baseUrl}/dashboard (token ${system.tokens.admin})`,
  ];
  for (const line of lines) if (line) reporter.plain(line);
}
