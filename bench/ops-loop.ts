// The Ops closed loop (issue #16 target 3): a campaign sends to a downstream whose capacity C
// counts messages (`batchMessageCost: 1`: a request of n messages costs n units), with Ops
// control on, in a matrix of mode (single | batch) × worker processes (1 | 2) × policy.
// Each cell is one campaign: C for warm-up and a steady window, then C → C/4, back to C,
// then C → 4C. Measured per cell:
//   steady: goodput (messages/s) ≥ 0.9·C and p99 within the SLO;
//   C → C/4: time until the send rate at the downstream (messages arriving, refused ones
//     included) settles at ≤ 1.3·C/4 for good (target ≤ 2 s);
//   C → 4C: time until goodput (messages answered 200) stays above 0.85·4C (target ≤ 3 s).
// Processes: this one (creates, launches, steps the downstream, measures), the worker(s) as
// the Procfile runs them (`node dist/src/entry/worker.js`, compiled at the start; `--worker
// tsx` runs the source), each with WORKER_QUEUES=deliveries,ops-control,campaigns (the
// Procfile's single `worker` line takes every queue), and the simulated downstream
// (bench/downstream/server.ts). Every cell has a Postgres schema and Redis prefix of its own.
//
// Usage: npx tsx bench/ops-loop.ts [--modes single,batch] [--workers 1,2] [--policies adaptive,fixed]
//   [--single-capacity 200] [--batch-capacity 1000]   (C in messages/s)   [--max-batch 100]
//   [--base-latency-ms 50] [--max-queue-ms 1000] [--overload-error-rate 0.2] [--slo-ms 500] [--every-ms 250]
//   [--warmup-sec 10] [--steady-sec 10] [--drop-sec 8] [--recover-sec 8] [--rise-sec 10]
//   [--worker dist|tsx] [--worker-node-args="..."]
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { cancelCampaign } from '../src/campaigns/control.js';
import { startCampaign } from '../src/campaigns/launch.js';
import { getCampaign } from '../src/campaigns/store.js';
import { type BenchDownstream, percentile, startDownstream } from './support/processes.js';
import { BenchRun } from './support/bench-run.js';
import { closeScenario, createBenchCampaign, openScenario } from './support/scenario.js';
import { procfileWorkerNodeArgs, type WorkerRun, workerLauncher } from './support/worker-process.js';

const { values: args } = parseArgs({
  options: {
    modes: { type: 'string', default: 'single,batch' },
    workers: { type: 'string', default: '1,2' },
    policies: { type: 'string', default: 'adaptive,fixed' },
    'single-capacity': { type: 'string', default: '200' },
    'batch-capacity': { type: 'string', default: '1000' },
    'max-batch': { type: 'string', default: '100' },
    'base-latency-ms': { type: 'string', default: '50' },
    'max-queue-ms': { type: 'string', default: '1000' },
    'overload-error-rate': { type: 'string', default: '0.2' },
    'slo-ms': { type: 'string', default: '500' },
    'every-ms': { type: 'string', default: '250' },
    'warmup-sec': { type: 'string', default: '10' },
    'steady-sec': { type: 'string', default: '10' },
    'drop-sec': { type: 'string', default: '8' },
    'recover-sec': { type: 'string', default: '8' },
    'rise-sec': { type: 'string', default: '10' },
    worker: { type: 'string', default: 'dist' },
    'worker-node-args': { type: 'string', default: '' },
    /** Also print each cell's controller decisions (reason and detail, as the control state last held them, every 250 ms) to stderr. */
    trace: { type: 'boolean', default: false },
  },
  strict: true,
});
const num = (name: keyof typeof args) => {
  const n = Number(args[name]);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a number >= 0`);
  return n;
};
const list = (name: keyof typeof args) =>
  String(args[name])
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
type Mode = 'single' | 'batch';
type Policy = 'adaptive' | 'aimd' | 'fixed';
const MODES = list('modes') as Mode[];
const WORKER_COUNTS = list('workers').map(Number);
const POLICIES = list('policies') as Policy[];
if (!MODES.every((m) => m === 'single' || m === 'batch')) throw new Error('--modes: single and/or batch');
if (!WORKER_COUNTS.every((n) => Number.isInteger(n) && n >= 1)) throw new Error('--workers: counts >= 1');
if (!POLICIES.every((p) => ['adaptive', 'aimd', 'fixed'].includes(p))) throw new Error('--policies: adaptive, aimd, fixed');
const CAPACITY: Record<Mode, number> = { single: num('single-capacity'), batch: num('batch-capacity') };
const MAX_BATCH = num('max-batch');
const BASE_MS = num('base-latency-ms');
const MAX_QUEUE_MS = num('max-queue-ms');
const OVERLOAD_ERROR_RATE = num('overload-error-rate');
const SLO_MS = num('slo-ms');
const EVERY_MS = num('every-ms');
const WARMUP_MS = num('warmup-sec') * 1000;
const STEADY_MS = num('steady-sec') * 1000;
const DROP_MS = num('drop-sec') * 1000;
const RECOVER_MS = num('recover-sec') * 1000;
const RISE_MS = num('rise-sec') * 1000;
if (args.worker !== 'dist' && args.worker !== 'tsx') throw new Error('--worker must be dist or tsx');
const QUEUES = 'deliveries,ops-control,campaigns';
const COMMAND = `npx tsx bench/ops-loop.ts ${process.argv.slice(2).join(' ')}`.trim();
const SECRET = 'bench-downstream-secret-0123456789';
const BUCKET_MS = 250;
/** The send rate has settled after C → C/4 once it stays at or under this × C/4 (issue #16: "settles"). */
const SETTLE_FACTOR = 1.3;
const SETTLE_TARGET_SEC = 2;
/** After C → 4C, goodput must stay above this × 4C ... */
const RISE_FACTOR = 0.85;
/** ... within this many seconds. */
const RISE_TARGET_SEC = 3;
const runStarted = performance.now();

const log = (line: string) => process.stdout.write(`${line}\n`);
const note = (line: string) => process.stderr.write(`[${((performance.now() - runStarted) / 1000).toFixed(0)}s] ${line}\n`);
const fmt = (v: number | null | undefined, digits = 0) => (v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : v.toFixed(digits));
const sec = (v: number | null) => (v === null ? 'never' : `${v.toFixed(2)} s`);
const ms = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : `${v.toFixed(0)} ms`);
const mark = (ok: boolean) => (ok ? 'met' : '**missed**');

const workers = workerLauncher({ from: args.worker, nodeArgs: [...procfileWorkerNodeArgs(), ...args['worker-node-args']!.split(' ').filter(Boolean)], note });

// Bounded in time: whatever happens, stop (and close what is open on the way out).
const cellMs = WARMUP_MS + STEADY_MS + DROP_MS + RECOVER_MS + RISE_MS + 60_000;
const run = new BenchRun(workers, note, MODES.length * WORKER_COUNTS.length * POLICIES.length * cellMs + 120_000);

/**
 * The window a rate is judged on: long enough to hold ~5 requests at C/4 (single mode: 1 s holds
 * 50; batch mode at 100 per request: 2 s holds 5), so one request more or less is not a relapse.
 */
const judgeBuckets = (mode: Mode) => (mode === 'batch' ? 8 : 4);

/**
 * From which point a condition holds for good: the end (s, from `values[0]`'s start) of the first
 * bucket from which the mean over every later full window of `size` buckets passes; null when the
 * last full window does not.
 */
function heldFrom(values: number[], size: number, ok: (v: number) => boolean): number | null {
  const windowMean = (i: number) => values.slice(i, i + size).reduce((a, b) => a + b, 0) / size;
  let from: number | null = null;
  for (let i = values.length - size; i >= 0 && ok(windowMean(i)); i--) from = i;
  return from === null ? null : ((from + 1) * BUCKET_MS) / 1000;
}

interface Cell {
  mode: Mode;
  workers: number;
  policy: Policy;
  capacity: number;
  users: number;
  steady: {
    goodput: number;
    accepted: number;
    p50: number | null;
    p99Delivered: number | null;
    p99Requests: number | null;
    failures: number;
    requests: number;
  };
  drop: { settledSec: number | null; firstSec: number | null; failures: number; goodputLate: number; rates: number[] };
  recover: { goodputLate: number };
  rise: { heldSec: number | null; goodputLate: number; goodput: number[]; failures: number };
  /** Per second from launch: messages answered 200 at the downstream / the fleet concurrency limit at its end. */
  timeline: string[];
  limits: { at: number; concurrency?: number; ratePerSec?: number }[];
  steps: { dropAt: number; recoverAt: number; riseAt: number };
  runs: WorkerRun[];
  duplicates: number;
  badSignatures: number;
  status: string;
}

async function runCell(ds: BenchDownstream, mode: Mode, workerCount: number, policy: Policy): Promise<Cell> {
  const C = CAPACITY[mode];
  const perRequest = mode === 'batch' ? MAX_BATCH : 1;
  const label = `${mode} × ${workerCount} worker${workerCount > 1 ? 's' : ''} × ${policy}`;
  // Enough recipients for every phase at its capacity, and a margin.
  const users = Math.ceil((1.25 * (C * (WARMUP_MS + STEADY_MS + RECOVER_MS) + (C / 4) * DROP_MS + 4 * C * RISE_MS)) / 1000) + 1000;
  note(`${label}: seeding ${users} users`);
  const s = (run.open = await openScenario(
    {
      ops: {
        enabled: true,
        // The fixed baseline: what a config tuned for the healthy downstream would say (90% of C, in requests).
        control: { everyMs: EVERY_MS, latencySloMs: SLO_MS, policy, fixedLimit: 100, fixedRatePerSec: (0.9 * C) / perRequest, fixedBatchSize: 50 },
        // Auto-pause out of reach: this measures send-rate policies, not the pause.
        thresholds: { errorRate: 1, p95LatencyMs: 3_600_000 },
      },
    },
    users,
  ));
  try {
    await ds.control({
      capacity: C,
      baseLatencyMs: BASE_MS,
      latencyJitter: 0.1,
      errorRate: 0,
      overloadErrorRate: OVERLOAD_ERROR_RATE,
      maxQueueMs: MAX_QUEUE_MS,
      batchMessageCost: 1,
    });
    await ds.reset();
    for (let i = 0; i < workerCount; i++) s.workers.push(await workers.start(s.ctx.configYaml, s.dir, QUEUES, `worker${i + 1}`));
    const campaign = await createBenchCampaign(s.ctx, { url: ds.url, secret: SECRET, mode, maxBatch: MAX_BATCH }, `loop-${mode}-${workerCount}-${policy}`);
    note(`${label}: launching ${campaign.id}`);
    const t0 = Date.now();
    await startCampaign(s.ctx.deps, campaign.id, `bench-loop-${mode}-${workerCount}-${policy}`, 'bench', { by: 'policy' });
    const limits: Cell['limits'] = [];
    let lastDetail = '';
    const limitTimer = setInterval(() => {
      s.ctx.deps.runtime.limits(campaign.id).then(
        (l) => limits.push({ at: Date.now(), concurrency: l.concurrency, ratePerSec: l.ratePerSec }),
        () => {},
      );
      if (args.trace) {
        s.ctx.deps.runtime.loadControl<{ lastDecision: { reason: string; detail: string } | null }>(campaign.id).then(
          (c) => {
            const d = c?.lastDecision;
            if (d && d.detail !== lastDetail) note(`${label} +${((Date.now() - t0) / 1000).toFixed(2)}s ${d.reason}: ${d.detail}`);
            lastDetail = d?.detail ?? '';
          },
          () => {},
        );
      }
    }, BUCKET_MS);
    let steps: Cell['steps'];
    try {
      // Each step at the downstream's own clock (the host's, as ours and the workers').
      const step = async (at: number, capacity: number) => {
        await delay(at - Date.now());
        const { appliedAt } = await ds.control({ capacity });
        note(`${label}: capacity → ${capacity}`);
        return appliedAt;
      };
      const dropAt = await step(t0 + WARMUP_MS + STEADY_MS, C / 4);
      const recoverAt = await step(dropAt + DROP_MS, C);
      const riseAt = await step(recoverAt + RECOVER_MS, 4 * C);
      await delay(riseAt + RISE_MS - Date.now());
      steps = { dropAt, recoverAt, riseAt };
    } finally {
      clearInterval(limitTimer);
    }
    const tEnd = steps.riseAt + RISE_MS;
    const status = (await getCampaign(s.ctx.deps.db, campaign.id))?.status ?? 'missing';
    await cancelCampaign(s.ctx.deps, campaign.id, 'bench', 'bench-cancel');

    const steadyFrom = t0 + WARMUP_MS;
    const rows = await s.ctx.deps.db
      .selectFrom('deliveries')
      .select(['latency_ms', 'delivered_at'])
      .where('campaign_id', '=', campaign.id)
      .where('status', '=', 'delivered')
      .where('delivered_at', '>=', new Date(steadyFrom))
      .where('delivered_at', '<', new Date(steps.dropAt))
      .execute();
    const samples = (await s.ctx.deps.runtime.readSamples(campaign.id, t0)).filter((x) => x.at >= steadyFrom);
    const samplesIn = (from: number, to: number) => samples.filter((x) => x.at >= from && x.at < to);
    const buckets = async (from: number, to: number, bucketMs = BUCKET_MS) =>
      (await ds.stats({ from, to, bucketMs })).buckets!.filter((b) => b.start + bucketMs <= to);
    const perSec = (n: number, bucketMs = BUCKET_MS) => n / (bucketMs / 1000);
    const steadySec = (steps.dropAt - steadyFrom) / 1000;
    const steadySamples = samplesIn(steadyFrom, steps.dropAt);
    const [steadyDs] = await buckets(steadyFrom, steps.dropAt, steps.dropAt - steadyFrom);

    const dropBuckets = await buckets(steps.dropAt, steps.recoverAt);
    const rates = dropBuckets.map((b) => perSec(b.arrivedMessages));
    const settle = (v: number) => v <= (SETTLE_FACTOR * C) / 4;
    const firstOk = rates.findIndex(settle);
    const late = (list: { messages: number }[]) =>
      list.slice(Math.floor(list.length / 2)).reduce((sum, b) => sum + b.messages, 0) / ((Math.ceil(list.length / 2) * BUCKET_MS) / 1000);
    const recoverBuckets = await buckets(steps.recoverAt, steps.riseAt);
    const riseBuckets = await buckets(steps.riseAt, tEnd);
    const riseGoodput = riseBuckets.map((b) => perSec(b.messages));
    const perSecond = await buckets(t0, tEnd, 1000);
    const st = await ds.stats();
    const runs = await Promise.all(s.workers.splice(0).map((w) => w.stop()));
    return {
      mode,
      workers: workerCount,
      policy,
      capacity: C,
      users,
      steady: {
        goodput: rows.length / steadySec,
        accepted: steadyDs ? steadyDs.messages / steadySec : 0,
        p50: percentile(
          steadySamples.map((x) => x.latencyMs),
          50,
        ),
        p99Delivered: percentile(
          rows.map((r) => Number(r.latency_ms)),
          99,
        ),
        p99Requests: percentile(
          steadySamples.map((x) => x.latencyMs),
          99,
        ),
        failures: steadySamples.filter((x) => !x.ok).length,
        requests: steadySamples.length,
      },
      drop: {
        settledSec: heldFrom(rates, judgeBuckets(mode), settle),
        firstSec: firstOk < 0 ? null : ((firstOk + 1) * BUCKET_MS) / 1000,
        failures: samplesIn(steps.dropAt, steps.recoverAt).filter((x) => !x.ok).length,
        goodputLate: late(dropBuckets),
        rates,
      },
      recover: { goodputLate: late(recoverBuckets) },
      rise: {
        heldSec: heldFrom(riseGoodput, judgeBuckets(mode), (v) => v >= RISE_FACTOR * 4 * C),
        goodputLate: late(riseBuckets),
        goodput: riseGoodput,
        failures: samplesIn(steps.riseAt, tEnd).filter((x) => !x.ok).length,
      },
      timeline: perSecond.map((b) => {
        const l = [...limits].reverse().find((x) => x.at <= b.start + 1000);
        return `${b.messages}/${fmt(l?.concurrency)}`;
      }),
      limits: limits.map((l) => ({ ...l, at: l.at - t0 })),
      steps: { dropAt: steps.dropAt - t0, recoverAt: steps.recoverAt - t0, riseAt: steps.riseAt - t0 },
      runs,
      duplicates: mode === 'batch' ? st.idempotency.duplicateMessages : st.idempotency.duplicateRequests,
      badSignatures: st.unauthorized,
      status,
    };
  } finally {
    await closeScenario(s);
    run.open = undefined;
  }
}

function report(cells: Cell[]) {
  const name = (c: Cell) => `| ${c.mode} | ${c.workers} | ${c.policy} | ${c.capacity}`;
  log(`command: ${COMMAND}`);
  log(`total runtime: ${((performance.now() - runStarted) / 1000).toFixed(0)} s`);
  log('');
  log(
    `Downstream: capacity C messages/s, every message one unit (batchMessageCost 1), base ${BASE_MS} ms ±10%, latency = base + queue; 500s growing to ${OVERLOAD_ERROR_RATE * 100}% with queueing; 429 + Retry-After past ${MAX_QUEUE_MS} ms of queue. ` +
      `Batch mode: ${MAX_BATCH} messages per request. ops.control.everyMs ${EVERY_MS}, SLO p99 ${SLO_MS} ms. Worker(s): WORKER_QUEUES=${QUEUES}.`,
  );
  log(
    `Phases: C for ${WARMUP_MS / 1000} s warm-up + ${STEADY_MS / 1000} s steady, C/4 for ${DROP_MS / 1000} s, C for ${RECOVER_MS / 1000} s, 4C for ${RISE_MS / 1000} s.`,
  );
  log('');
  log('Steady state: goodput ≥ 0.9·C (messages recorded delivered per second) and p99 within the SLO (per request, failures included).');
  log(
    '| mode | workers | policy | C (msgs/s) | goodput | vs 0.9·C | accepted at downstream | p50 | p99 (requests) | p99 (messages delivered) | within SLO | failed requests |',
  );
  log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const c of cells) {
    const s = c.steady;
    log(
      `${name(c)} | ${s.goodput.toFixed(1)}/s (${(s.goodput / c.capacity).toFixed(2)}·C) | ${mark(s.goodput >= 0.9 * c.capacity)} | ${s.accepted.toFixed(1)}/s | ${ms(s.p50)} | ${ms(s.p99Requests)} | ${ms(s.p99Delivered)} | ${mark(s.p99Requests !== null && s.p99Requests <= SLO_MS)} | ${s.failures} of ${s.requests} |`,
    );
  }
  log('');
  log(
    `C → C/4: the send rate (messages arriving at the downstream, refused included, per ${BUCKET_MS} ms) settles at ≤ ${SETTLE_FACTOR}·C/4 for good within ${SETTLE_TARGET_SEC} s ("settled": the end of the first bucket from which every later full window, ${(judgeBuckets('single') * BUCKET_MS) / 1000} s in single mode and ${(judgeBuckets('batch') * BUCKET_MS) / 1000} s in batch mode, stays under it).`,
  );
  log('| mode | workers | policy | C (msgs/s) | first under | settled | within 2 s | failed requests during C/4 | goodput, second half of C/4 |');
  log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const c of cells) {
    const d = c.drop;
    log(
      `${name(c)} | ${sec(d.firstSec)} | ${sec(d.settledSec)} | ${mark(d.settledSec !== null && d.settledSec <= SETTLE_TARGET_SEC)} | ${d.failures} | ${d.goodputLate.toFixed(1)}/s (${(d.goodputLate / (c.capacity / 4)).toFixed(2)}·C/4) |`,
    );
  }
  log('');
  log(
    `C → 4C (after ${RECOVER_MS / 1000} s back at C): goodput (messages answered 200, per ${BUCKET_MS} ms) back above ${RISE_FACTOR}·4C for good within ${RISE_TARGET_SEC} s (judged as after C/4: every later full window of ${(judgeBuckets('single') * BUCKET_MS) / 1000} s / ${(judgeBuckets('batch') * BUCKET_MS) / 1000} s).`,
  );
  log(
    '| mode | workers | policy | C (msgs/s) | goodput, second half back at C | above 0.85·4C from | within 3 s | goodput, second half of 4C | failed requests during 4C |',
  );
  log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const c of cells) {
    const r = c.rise;
    log(
      `${name(c)} | ${c.recover.goodputLate.toFixed(1)}/s | ${sec(r.heldSec)} | ${mark(r.heldSec !== null && r.heldSec <= RISE_TARGET_SEC)} | ${r.goodputLate.toFixed(1)}/s (${(r.goodputLate / (4 * c.capacity)).toFixed(2)}·4C) | ${r.failures} |`,
    );
  }
  log('');
  log(`messages/s per ${BUCKET_MS} ms bucket after C → C/4 (arriving), then after C → 4C (answered 200):`);
  for (const c of cells) {
    log(`  ${c.mode}/${c.workers}/${c.policy} drop: ${c.drop.rates.map((v) => v.toFixed(0)).join(' ')}`);
    log(`  ${c.mode}/${c.workers}/${c.policy} rise: ${c.rise.goodput.map((v) => v.toFixed(0)).join(' ')}`);
  }
  log('fleet concurrency limit / rate (requests) as published in Redis, s after each step:');
  for (const c of cells) {
    const at = (t: number) => {
      const l = [...c.limits].reverse().find((x) => x.at <= t);
      return l ? `${fmt(l.concurrency)}/${fmt(l.ratePerSec, 0)}` : 'n/a';
    };
    const around = (from: number) => [-0.25, 0.5, 1, 2, 3, 5].map((t) => `${t}s ${at(from + t * 1000)}`).join(', ');
    log(`  ${c.mode}/${c.workers}/${c.policy} drop: ${around(c.steps.dropAt)}; rise: ${around(c.steps.riseAt)}`);
  }
  log('per second from launch: messages answered 200 / fleet concurrency limit at its end:');
  for (const c of cells) log(`  ${c.mode}/${c.workers}/${c.policy} ${c.timeline.join(' ')}`);
  log('');
  log('| mode | workers | policy | recipients | status at the end | worker max RSS | "job failed" lines | duplicates at downstream | bad signatures |');
  log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const c of cells) {
    log(
      `| ${c.mode} | ${c.workers} | ${c.policy} | ${c.users} | ${c.status} | ${c.runs.map((r) => `${fmt(r.maxRssMb, 1)} MB`).join(', ')} | ${c.runs.reduce((n, r) => n + r.jobFailures, 0)} | ${c.duplicates} | ${c.badSignatures} |`,
    );
  }
}

try {
  const downstream = (run.downstream = await startDownstream(SECRET, ['--max-queue-ms', String(MAX_QUEUE_MS)]));
  const cells: Cell[] = [];
  for (const mode of MODES) {
    for (const count of WORKER_COUNTS) {
      for (const policy of POLICIES) cells.push(await runCell(downstream, mode, count, policy));
    }
  }
  report(cells);
} finally {
  await run.finish();
}
