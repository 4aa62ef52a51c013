import { stringify } from 'yaml';

/** The bearer tokens of the demo: who requests, who approves, and the human's admin token. */
export interface DemoTokens {
  /** Named `admin`, every role: printed for the dashboard login. */
  admin: string;
  /** `demo` (operator): ingests data, creates and launches campaigns, runs jobs. Never approves its own requests. */
  operator: string;
  /** `alice` and `bob` (approver): `--yes` answers approvals as them; two people where a request needs two. */
  approvers: [string, string];
}

export interface DemoConfigInput {
  redisUrl: string;
  redisPrefix: string;
  pgliteDir: string;
  tokens: DemoTokens;
  /** The HTTP port; 0: any free one. */
  port?: number;
}

/**
 * Flywheel's configuration for the demo: the built-in defaults on embedded
 * PGlite, with the agents' schedules and the Ops thresholds shortened so the
 * seed's loop fits in minutes. Every value is literal: nothing of the caller's
 * environment (DATABASE_URL, Telegram) reaches it. Telegram is off, so
 * approvals are answered on the console (dashboard or API) alone.
 */
export function demoConfig(input: DemoConfigInput): Record<string, unknown> {
  return {
    server: { port: input.port ?? 0, host: '127.0.0.1' },
    database: { url: '', pgliteDir: input.pgliteDir },
    redis: { url: input.redisUrl, prefix: input.redisPrefix, startLocal: true },
    auth: {
      adminToken: input.tokens.admin,
      tokens: [
        { name: 'demo', token: input.tokens.operator, roles: ['operator'] },
        { name: 'alice', token: input.tokens.approvers[0], roles: ['approver'] },
        { name: 'bob', token: input.tokens.approvers[1], roles: ['approver'] },
      ],
    },
    logging: { level: 'info' },
    // A demo stops in seconds, not the production 25 s.
    workers: { shutdownTimeoutSec: 5 },
    ops: {
      monitor: { everySec: 1 },
      // The demo's downstream needs a handful of requests in flight. While the planned rate caps a
      // campaign, the controller's limit climbs toward maxConcurrency; a low ceiling keeps the
      // backoff after a capacity drop to a step or two.
      control: { everyMs: 250, maxConcurrency: 64 },
      // One-second windows: two bad ones pause a campaign, two good ones (on probes) propose its resume.
      thresholds: { windowSec: 1, minSamples: 2, p95LatencyMs: 800, errorRate: 0.2, breachWindows: 2, healthyWindows: 2, autoResume: false },
    },
    campaigns: { reconcileEverySec: 20 },
    // The demo runs each agent itself when its data is in; the schedules keep them going afterwards.
    growth: { analysis: { everySec: 30 } },
    beta: { screening: { everySec: 60 }, analysis: { everySec: 60 }, teamCapacityPoints: 30 },
    approvals: { expirySweep: { everySec: 60 } },
    policy: {
      kinds: {
        // A smaller audience guardrail than the default 10,000: the welcome campaign (600) launches at
        // once, the experiment campaign (every user) waits for a person on the dashboard.
        'campaign.launch': {
          guardrails: [
            { param: 'audienceSize', label: 'Audience', max: 1000, hardMin: 1, hardMax: 1_000_000 },
            { param: 'budget', label: 'Budget', max: 1000, hardMin: 0, hardMax: 50_000 },
          ],
        },
      },
    },
    telegram: { enabled: false, botToken: '', webhookSecret: '' },
  };
}

export function demoConfigYaml(input: DemoConfigInput): string {
  return `# Written by npm run demo; see src/demo/demo-config.ts.\n${stringify(demoConfig(input))}`;
}
