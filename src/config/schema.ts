import { z } from 'zod';
import { policyConfigSchema } from '../policy/policy-schema.js';
import { betaConfigShape } from '../beta/config-schema.js';
import { section, seconds, share } from '../vocabulary/config-fields.js';
import { PRIORITIES } from '../vocabulary/priorities.js';
import { ROLES } from '../vocabulary/roles.js';

const tokenSchema = z.strictObject({
  name: z.string().min(1).describe('who the token belongs to, in the audit log'),
  token: z.string().min(16, 'tokens must be at least 16 characters').describe('the bearer secret'),
  roles: z
    .array(z.enum(ROLES))
    .min(1)
    .describe('admin (everything), operator, approver, viewer (read only), agent (files approval requests, reads only its own)'),
  id: z.string().min(1).max(64).optional().describe("the token's stable id (who owns an external request; four eyes); default: name"),
  person: z.string().min(1).optional().describe('the person holding it: four eyes matches on this across tokens and Telegram; default: name'),
  webhookSecret: z.string().min(16, 'webhook secrets must be at least 16 characters').optional().describe("agent tokens: signs the decision webhooks of this token's requests"),
});

const schedule = (everySec: number) =>
  section({ everySec: seconds.default(everySec).describe('interval between runs, seconds') });

export const configSchema = z.strictObject({
  server: section({
    port: z.number().int().min(0).max(65535).default(3000).describe('HTTP port of web and npm start; 0: any free port'),
    host: z.string().default('0.0.0.0').describe('interface the HTTP server binds'),
    bodyLimitBytes: z.number().int().positive().default(1_048_576).describe('largest accepted request body'),
    jsonMaxDepth: z.number().int().min(1).max(1000).default(32).describe('deepest nesting of arrays and objects a JSON request body may have'),
    publicUrl: z.string().default('').describe('base URL used in links (Beta invitations); empty: http://localhost:PORT'),
  }),
  database: section({
    url: z.string().default('').describe('Postgres URL; empty: embedded PGlite in pgliteDir (single process only)'),
    pgliteDir: z.string().default('.flywheel/pgdata').describe('data folder of embedded PGlite'),
    poolSize: z.number().int().positive().default(10).describe('Postgres connections per process'),
  }),
  redis: section({
    url: z.string().default('redis://127.0.0.1:6379').describe('REDIS_URL; with cluster, one or more seed nodes as comma-separated redis:// URLs'),
    cluster: z.boolean().default(false).describe('REDIS_CLUSTER: connect to a Redis Cluster (ioredis Cluster) through the seed nodes in url'),
    prefix: z
      .string()
      .min(1)
      .regex(/^[^{}\s]+$/, 'no braces or spaces: the prefix goes inside Redis Cluster hash tags')
      .default('flywheel')
      .describe('key prefix of every queue and lock'),
    startLocal: z.boolean().default(true).describe('npm start launches redis-server when url is unreachable'),
  }),
  auth: section({
    tokens: z.array(tokenSchema).default([]).describe('API bearer tokens, each with a name and roles (give each a distinct id or name)'),
    adminToken: z
      .string()
      .refine((token) => token === '' || token.length >= 16, 'FLYWHEEL_ADMIN_TOKEN must be at least 16 characters (e.g. openssl rand -hex 16)')
      .default('')
      .describe('FLYWHEEL_ADMIN_TOKEN: a token named admin with every role; at least 16 characters'),
    sessionSecret: z.string().default('').describe('unused: dashboard sessions are kept in Postgres (see README, Security); accepted so older configs still load'),
  }),
  logging: section({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('pino log level') }),
  workers: section({
    queues: z.string().default('').describe('WORKER_QUEUES: comma-separated queues a worker takes; empty: all'),
    concurrency: z.record(z.string(), z.number().int().positive()).default({}).describe('per-queue concurrency'),
    shutdownTimeoutSec: seconds.default(25),
    lockDurationSec: seconds
      .default(30)
      .describe("a job's lock; a worker that dies or is stopped by force releases its jobs to others after this long"),
  }),
  ops: section({
    enabled: z.boolean().default(true).describe('false: the Ops monitor and control loop are not scheduled'),
    monitor: schedule(30),
    capacity: section({
      fallbackPerSec: z.number().positive().default(50).describe('sends/s assumed while no ops snapshot carries a measured capacity'),
      headroom: z.number().min(0).lt(1).default(0.2).describe('share of capacity always kept free for spikes'),
      maxAgeSec: seconds.default(600).describe('an ops snapshot older than this no longer counts as the current estimate'),
    }),
    control: section({
      everyMs: z.number().int().min(100).default(500).describe('fast loop: controller step and limits while campaigns deliver'),
      latencySloMs: z.number().positive().default(1000).describe('p99 latency above which the controller backs off'),
      maxConcurrency: z.number().int().positive().default(1000).describe('the most requests in flight per campaign the controller ever allows'),
      policy: z.enum(['adaptive', 'aimd', 'fixed']).default('adaptive').describe('aimd and fixed are baselines for comparison'),
      fixedLimit: z.number().int().positive().default(20),
      fixedRatePerSec: z.number().positive().default(50).describe('used by the fixed policy only'),
      fixedBatchSize: z.number().int().positive().default(50).describe('used by the fixed policy only'),
    }),
    thresholds: section({
      windowSec: seconds.default(5).describe('length of one auto-pause window'),
      minSamples: z.number().int().positive().default(20).describe("answers an auto-pause judgement needs; a window with fewer is judged on the campaign's newest this many"),
      p95LatencyMs: z.number().positive().default(2000).describe('a window whose p95 delivery latency exceeds this is a breach'),
      errorRate: share.default(0.05).describe('a window whose share of failed deliveries exceeds this is a breach'),
      backlogAgeSec: seconds.default(300).describe('a window whose oldest waiting job is older than this is a breach'),
      breachWindows: z.number().int().positive().default(3).describe('consecutive breached windows that pause a campaign'),
      healthyWindows: z.number().int().positive().default(5).describe('consecutive healthy windows before a paused campaign may resume'),
      autoResume: z.boolean().default(false),
    }),
    scaling: section({
      minWorkers: z.number().int().min(0).default(1).describe('fewest workers recommended per queue'),
      maxWorkers: z.number().int().positive().default(10).describe('most workers recommended per queue'),
      targetDrainSec: seconds.default(60).describe('size the pool to drain the backlog within this long'),
      scaleUpCooldownSec: seconds.default(60).describe('no scale-up sooner than this after the worker count changed'),
      scaleDownCooldownSec: seconds.default(300).describe('no scale-down sooner than this after the worker count changed'),
      stabilizationWindowSec: seconds.default(300).describe('scale down only to the highest recommendation within this window'),
      maxQueueAgeSec: seconds.default(600).describe('an older waiting job grows the pool in proportion, whatever the throughput says'),
      tolerance: share.default(0.1).describe('a recommendation within this share of the current count is not acted on'),
      webhookUrl: z.string().default('').describe('POSTed a JSON body when the desired worker count changes'),
      hirefireToken: z.string().default('').describe('HIREFIRE_TOKEN: enables GET /hirefire/<token>/info; empty: off'),
      perGroup: z.boolean().default(false).describe('recommend workers per worker group (processes delivery, agents, notifications) instead of for one worker process'),
    }),
  }),
  campaigns: section({
    reconcileEverySec: seconds.default(60).describe('how often outstanding deliveries are checked against Redis'),
    connectionsPerDownstream: z.number().int().min(1).max(4096).default(128).describe('keep-alive HTTP connections each process keeps per downstream origin'),
    sendersPerJob: z.number().int().min(1).max(256).default(8).describe('requests one delivery batch job keeps in flight at most (the fleet limiter decides how many run at all)'),
    materialiseChunk: z.number().int().min(100).max(100_000).default(10_000).describe('recipients one materialisation step writes in one transaction'),
    jobRecipients: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .default(500)
      .describe(
        "recipients one delivery job of a large audience carries (a whole number of the channel's maxBatch, at least one): a full materialisation step is queued in jobs this big, a smaller one (a small audience, the last step) in jobs of maxBatch",
      ),
    resultFlushMs: z.number().int().min(1).max(1000).default(20).describe('longest a delivery result waits before it is written to Postgres with others in one statement'),
    breaker: section({
      failures: z.number().int().min(1).default(5).describe('failed answers in a row (none, 5xx, 429) one worker process sees from a downstream that hold every send to it, fleet-wide'),
      openMs: z.number().int().min(10).default(1000).describe('first hold of an open circuit, ms; then one probe, and each failed probe doubles the hold'),
      maxOpenMs: z.number().int().min(10).default(30_000).describe("longest hold, ms, the circuit's or a downstream's Retry-After; a resume or a healthy Ops probe ends the circuit's at once"),
    }),
    retention: section({
      enabled: z.boolean().default(true).describe('false: delivery rows are kept for ever'),
      keepDays: z.number().min(0).default(30).describe("a finished campaign's delivery rows are kept this long (and until its experiments' attribution windows close), then summarised and removed"),
      everySec: seconds.default(3600).describe('interval between retention runs, seconds'),
      chunk: z.number().int().min(100).max(100_000).default(5000).describe('delivery rows removed in one statement'),
      maxChunksPerRun: z.number().int().min(1).default(200).describe('chunks one run removes at most; the next run goes on'),
    }),
  }),
  growth: section({
    enabled: z.boolean().default(true).describe('false: the Growth analysis is not scheduled'),
    analysis: schedule(3600),
    alpha: share.default(0.05).describe('significance level of experiment tests'),
    power: share.default(0.8).describe('statistical power experiment sample sizes are planned for'),
    budget: z.number().min(0).default(10_000).describe('reward budget proposals may spend per period'),
    campaignCapacityShare: share.default(0.5).describe('share of Ops capacity campaigns may use'),
    maxRewardStepPct: z.number().positive().max(100).default(20).describe('largest reward change one proposal makes, percent'),
    minChanceToBeat: share.default(0.95).describe('Bayesian chance to beat control a winner needs before a proposal'),
    minSamplePerArm: z.number().int().min(1).default(1000).describe('exposures every arm needs before anything is proposed, unless the experiment sets its own'),
    stats: section({
      engine: z.enum(['flywheel', 'growthbook']).default('flywheel').describe("statistics behind decisions: 'flywheel' (exact Beta chance to beat control, mSPRT) or 'growthbook' (gbstats' normal approximations and confidence sequences, number for number); docs/statistics.md"),
      sequentialTuning: z.number().positive().default(5000).describe("N* of the 'growthbook' confidence sequences: the total sample size they are tightest at"),
      cuped: z.boolean().default(true).describe("CUPED: adjust lifts with each user's activity in the attribution window before exposure (shown as 'adjusted')"),
    }),
    planning: section({
      maxWaveSec: seconds.default(3600).describe('a campaign needing longer at its capacity budget is split into waves of at most this'),
      waveGapSec: seconds.default(900).describe('pause between waves'),
      retryAfterSec: seconds.default(900).describe('a campaign with no capacity budget now is delayed by this'),
    }),
  }),
  beta: section({
    enabled: z.boolean().default(true).describe('false: Beta screening and feedback analysis are not scheduled'),
    screening: schedule(86_400),
    threshold: share.default(0.8),
    teamCapacityPoints: z.number().positive().default(40),
    inviteSecret: z.string().default('').describe('signs invitation links; empty: random per start'),
    ...betaConfigShape,
  }),
  approvals: section({
    enabled: z.boolean().default(true).describe('false: the expiry sweep is not scheduled'),
    expirySweep: schedule(3600),
    timeoutsSec: section({
      critical: seconds.default(900),
      high: seconds.default(3600),
      normal: seconds.default(14_400),
      low: seconds.default(86_400),
    }),
    dualChannelMinPriority: z.enum(PRIORITIES).default('high'),
    escalateAtShare: share.default(0.5),
    requireDistinctApprovers: z.boolean().default(true),
    webhooks: section({
      allowedHosts: z.array(z.string().min(1)).default([]).describe('hosts callbackUrl may point at (exact, or *.example.com); empty: any'),
      maxAttempts: z.number().int().positive().default(40).describe('deliveries tried per event before giving up (the default spans over 2 hours)'),
      backoffMs: z.number().int().positive().default(1000).describe('wait before the first retry; doubles each attempt up to backoffMaxMs'),
      backoffMaxMs: z.number().int().positive().default(300_000).describe('longest wait between two attempts'),
      timeoutMs: z.number().int().positive().default(10_000).describe('a receiver answering slower than this counts as failed'),
    }),
    evaluator: section({
      url: z.string().default('').describe('an outside evaluator (the Meta-Agent) POSTed each proposal of the listed proposers before the policy rules; empty: off'),
      proposers: z.array(z.string().min(1)).default(['growth']).describe('whose proposals go to the evaluator'),
      timeoutMs: z.number().int().positive().default(5000).describe('no verdict within this: a person decides'),
      secret: z.string().default('').describe('signs the evaluation requests (x-flywheel-signature, as the decision webhooks); empty: unsigned'),
    }),
  }),
  policy: policyConfigSchema.describe('guardrails, proposers and approver roles per action kind'),
  telegram: section({
    enabled: z.boolean().default(false),
    botToken: z.string().default('').describe('from @BotFather; setting it turns Telegram on'),
    webhookSecret: z.string().default('').describe('set: web serves POST /telegram/webhook checking this secret; empty: npm start polls'),
    apiRoot: z.string().default('https://api.telegram.org').describe('Bot API base URL, no trailing slash (tests point it at a fake)'),
    approverChats: z.array(z.number().int()).default([]),
    escalationChats: z.array(z.number().int()).default([]).describe('chat ids notified when a request nears its timeout'),
    approvers: z
      .array(
        z.strictObject({
          userId: z.number().int(),
          name: z.string().min(1),
          roles: z.array(z.enum(ROLES)).min(1),
          person: z.string().min(1).optional().describe('the person behind this Telegram user (matches auth.tokens[].person); default: name'),
        }),
      )
      .default([]),
    delivery: section({
      attempts: z.number().int().positive().default(8).describe('tries of one Telegram message before its job fails (network errors, 5xx, 429); the resend sweep takes it up later'),
      backoffMs: z.number().int().positive().default(1000).describe('wait before the first retry; doubles each attempt up to backoffMaxMs'),
      backoffMaxMs: z.number().int().positive().default(60_000).describe('longest wait between two attempts'),
      resendEverySec: seconds.default(60).describe('how often messages still owed (failed jobs, lost jobs) are re-sent, once the Bot API answers'),
    }),
  }),
});

export type Config = z.infer<typeof configSchema>;
