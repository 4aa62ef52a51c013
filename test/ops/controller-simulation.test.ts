import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adaptiveController } from '../../src/ops/controller/adaptive-controller.js';
import { aimdController } from '../../src/ops/controller/aimd-controller.js';
import type { ControllerPolicy } from '../../src/ops/controller/controller-policy.js';
import { fixedController } from '../../src/ops/controller/fixed-controller.js';
import { recommendBatchSize } from '../../src/ops/controller/recommend-batch-size.js';
import { computeWindowStats } from '../../src/ops/window-stats.js';
import { between, capacityOf, simulate, type DownstreamModel, type SimResult } from './simulated-downstream.js';

// 20 workers × 100 ms ± 30% → C = 200 req/s; ~120 ms no-load latency; 50 may wait, then 429.
const MODEL: DownstreamModel = { servers: 20, serviceMs: 100, serviceJitter: 0.3, networkMs: 20, networkJitterMs: 5, maxQueue: 50, retryAfterMs: 1000 };
const C = capacityOf(MODEL);
const SLO_MS = 500;
const DROP_AT = 20_000;
const END = 32_000;
const SEED = 42;
const quarter: DownstreamModel = { ...MODEL, servers: MODEL.servers / 4 };

function run(policy: ControllerPolicy<unknown>, stepMs = 100, seed = SEED): SimResult {
  return simulate(policy, { durationMs: END, stepMs, timeoutMs: 2000, seed, modelAt: (t) => (t < DROP_AT ? MODEL : quarter) });
}

const adaptive = () => adaptiveController({ latencySloMs: SLO_MS }) as ControllerPolicy<unknown>;
const aimd = () => aimdController() as ControllerPolicy<unknown>;
// What a config tuned for the healthy downstream would say: 90% of C, generous concurrency.
const fixed = () => fixedController({ limit: 100, ratePerSec: 0.9 * C, batchSize: 180 }) as ControllerPolicy<unknown>;

function statsBetween(result: SimResult, from: number, to: number) {
  return computeWindowStats(between(result.samples, from, to), { endAt: to - 0.5, durationMs: to - from });
}

/** First offset after `from` from which every later `bucketMs` bucket satisfies `ok`; null if none. */
function settledAfter(from: number, bucketMs: number, ok: (start: number) => boolean): number | null {
  for (let t = from; t < END; t += bucketMs) {
    let all = true;
    for (let u = t; u + bucketMs <= END && all; u += bucketMs) all = ok(u);
    if (all) return t - from;
  }
  return null;
}

function adaptation(result: SimResult) {
  const noLoadConcurrency = (capacityOf(quarter) * (MODEL.networkMs + MODEL.serviceMs)) / 1000;
  const limitAt = result.decisions.find((d) => d.at > DROP_AT && d.decision.limit <= 2 * noLoadConcurrency);
  const sendRate = settledAfter(DROP_AT, 500, (u) => result.sends.filter((s) => s >= u && s < u + 500).length * 2 <= 1.3 * capacityOf(quarter));
  const p99 = settledAfter(DROP_AT, 250, (u) => (statsBetween(result, u, u + 250).p99LatencyMs ?? 0) <= SLO_MS);
  const errors = between(result.samples, DROP_AT, DROP_AT + 10_000).filter((s) => !s.ok).length;
  return { limitMs: limitAt ? limitAt.at - DROP_AT : null, sendRateMs: sendRate, p99Ms: p99, errors };
}

describe('adaptive controller against a simulated downstream', () => {
  const results = { adaptive: run(adaptive()), aimd: run(aimd()), fixed: run(fixed()) };

  it('converges to at least 90% of capacity as goodput with p99 within the SLO', (t) => {
    const steady = statsBetween(results.adaptive, 10_000, DROP_AT);
    t.diagnostic(`goodput ${steady.goodputPerSec.toFixed(1)}/s of C=${C}, p50 ${steady.p50LatencyMs} ms, p99 ${steady.p99LatencyMs} ms, errors ${steady.errorCount}`);
    assert.ok(steady.goodputPerSec >= 0.9 * C, `goodput ${steady.goodputPerSec}`);
    assert.ok((steady.p99LatencyMs ?? Infinity) <= SLO_MS, `p99 ${steady.p99LatencyMs}`);
    assert.equal(steady.errorCount, 0);
  });

  it('finds capacity from a limit of 4 within three simulated seconds', () => {
    const third = statsBetween(results.adaptive, 2000, 3000);
    assert.ok(third.goodputPerSec >= 0.9 * C, `goodput in the third second ${third.goodputPerSec}`);
  });

  it('adapts the limit, the send rate and p99 within two simulated seconds of capacity dropping to a quarter', (t) => {
    const a = adaptation(results.adaptive);
    t.diagnostic(`limit ≤ 2× new no-load concurrency after ${a.limitMs} ms; send rate ≤ 1.3·C/4 from ${a.sendRateMs} ms; p99 ≤ SLO from ${a.p99Ms} ms`);
    for (const [what, ms] of Object.entries({ limit: a.limitMs, sendRate: a.sendRateMs, p99: a.p99Ms })) {
      assert.ok(ms !== null && ms <= 2000, `${what} adapted after ${ms} ms`);
    }
    const after = statsBetween(results.adaptive, DROP_AT + 5000, END);
    assert.ok(after.goodputPerSec >= 0.9 * capacityOf(quarter), `goodput after the drop ${after.goodputPerSec}`);
  });

  it('causes fewer errors during the drop than AIMD and than a fixed rate', (t) => {
    const errors = { adaptive: adaptation(results.adaptive).errors, aimd: adaptation(results.aimd).errors, fixed: adaptation(results.fixed).errors };
    t.diagnostic(`errors in the 10 s after the drop: adaptive ${errors.adaptive}, AIMD ${errors.aimd}, fixed ${errors.fixed}`);
    t.diagnostic(`p99 5-12 s after the drop: adaptive ${statsBetween(results.adaptive, DROP_AT + 5000, END).p99LatencyMs} ms, AIMD ${statsBetween(results.aimd, DROP_AT + 5000, END).p99LatencyMs} ms, fixed ${statsBetween(results.fixed, DROP_AT + 5000, END).p99LatencyMs} ms`);
    assert.ok(errors.adaptive < errors.fixed, JSON.stringify(errors));
    assert.ok(errors.adaptive <= errors.aimd, JSON.stringify(errors));
  });

  it('keeps p99 within the SLO before the drop where AIMD, which only reacts to errors, runs the queue full', () => {
    const adaptiveP99 = statsBetween(results.adaptive, 10_000, DROP_AT).p99LatencyMs ?? Infinity;
    const aimdP50 = statsBetween(results.aimd, 10_000, DROP_AT).p50LatencyMs ?? 0;
    assert.ok(adaptiveP99 < aimdP50, `adaptive p99 ${adaptiveP99} vs AIMD p50 ${aimdP50}`);
  });

  it('meets the same goals when stepped every 250 ms and with other seeds', () => {
    for (const [stepMs, seed] of [[250, SEED], [100, 1], [250, 2]] as const) {
      const result = run(adaptive(), stepMs, seed);
      const steady = statsBetween(result, 10_000, DROP_AT);
      const a = adaptation(result);
      const label = `step ${stepMs} ms, seed ${seed}`;
      assert.ok(steady.goodputPerSec >= 0.9 * C && (steady.p99LatencyMs ?? Infinity) <= SLO_MS, `${label}: ${steady.goodputPerSec}/s, p99 ${steady.p99LatencyMs}`);
      assert.ok([a.limitMs, a.sendRateMs, a.p99Ms].every((ms) => ms !== null && ms <= 2000), `${label}: ${JSON.stringify(a)}`);
    }
  });

  it('recommends a batch from the capacity it measured, before and after the drop', () => {
    const at = (durationMs: number) =>
      simulate(adaptiveController({ latencySloMs: SLO_MS }), { durationMs, stepMs: 100, timeoutMs: 2000, seed: SEED, modelAt: (t) => (t < DROP_AT ? MODEL : quarter) })
        .finalState.capacityPerSec;
    const before = at(DROP_AT - 100);
    const after = at(DROP_AT + 5000);
    assert.ok(before !== null && Math.abs(before - C) <= 0.1 * C, `capacity before ${before}`);
    assert.ok(after !== null && Math.abs(after - C / 4) <= 0.15 * (C / 4), `capacity after ${after}`);
    assert.equal(recommendBatchSize(before).batchSize, Math.floor(0.8 * before));
  });
});

describe('adaptive controller after a latency shift', () => {
  it('re-measures its baseline and returns to at least 90% of capacity when the network gets slower but capacity does not', (t) => {
    const slower: DownstreamModel = { ...MODEL, networkMs: 200 };
    const result = simulate(adaptiveController({ latencySloMs: 1000 }), {
      durationMs: 30_000,
      stepMs: 100,
      timeoutMs: 2000,
      seed: 7,
      modelAt: (t) => (t < 10_000 ? MODEL : slower),
    });
    const probes = result.decisions.filter((d) => d.decision.reason === 'probe_baseline' && d.decision.detail.startsWith('baseline re-measured'));
    const recovered = statsBetween(result, 20_000, 30_000);
    t.diagnostic(`${probes.map((p) => `${p.at} ms: ${p.decision.detail}`).join('; ')}; goodput 20-30 s ${recovered.goodputPerSec}/s`);
    assert.ok(probes.some((p) => p.at > 10_000 && p.at < 15_000), 'a probe soon after the shift');
    assert.ok(recovered.goodputPerSec >= 0.9 * C, `goodput ${recovered.goodputPerSec}`);
  });
});

describe('adaptive controller against a downstream that refuses rather than queues', () => {
  it('keeps at least 90% of capacity with fewer 429s than AIMD when only five requests may wait', (t) => {
    const shortQueue: DownstreamModel = { ...MODEL, maxQueue: 5 };
    const scenario = { durationMs: 30_000, stepMs: 100, timeoutMs: 2000, seed: SEED, modelAt: () => shortQueue };
    const [a, b] = [adaptive(), aimd()].map((policy) => statsBetween(simulate(policy, scenario), 10_000, 30_000));
    t.diagnostic(`adaptive ${a!.goodputPerSec.toFixed(1)}/s with ${a!.overloadCount} refusals; AIMD ${b!.goodputPerSec.toFixed(1)}/s with ${b!.overloadCount}`);
    assert.ok(a!.goodputPerSec >= 0.9 * C, `goodput ${a!.goodputPerSec}`);
    assert.ok(a!.overloadCount < b!.overloadCount, `${a!.overloadCount} vs ${b!.overloadCount}`);
  });
});

describe('adaptive controller when capacity rises', () => {
  const RISE_AT = 15_000;
  const fourfold: DownstreamModel = { ...MODEL, servers: MODEL.servers * 4 };

  it('follows capacity from C to 4C: goodput back above 0.85·4C within two simulated seconds (the target allows three, for the fleet delays)', (t) => {
    for (const [stepMs, seed] of [[250, SEED], [100, 1], [250, 2]] as const) {
      const end = RISE_AT + 10_000;
      const result = simulate(adaptive(), { durationMs: end, stepMs, timeoutMs: 2000, seed, modelAt: (at) => (at < RISE_AT ? MODEL : fourfold) });
      // From which 250 ms bucket on every later 500 ms carries 0.85·4C.
      let from: number | null = null;
      for (let u = end - 500; u >= RISE_AT; u -= 250) {
        if (between(result.samples, u, u + 500).filter((s) => s.ok).length * 2 < 0.85 * capacityOf(fourfold)) break;
        from = u + 250 - RISE_AT;
      }
      const limits = result.decisions.filter((d) => d.at >= RISE_AT && d.at < RISE_AT + 4000 && d.at % 500 === 0).map((d) => d.decision.limit);
      t.diagnostic(`step ${stepMs} ms, seed ${seed}: above 0.85·4C from ${from} ms after the rise; limit every 500 ms: ${limits.join(' ')}`);
      assert.ok(from !== null && from <= 2000, `step ${stepMs} ms, seed ${seed}: goodput held above 0.85·4C only from ${from} ms`);
    }
  });
});

describe('adaptive controller in batch mode (few requests, many messages each)', () => {
  // One server taking 100 ms per request of 100 messages: C = 10 requests/s = 1,000 messages/s, ~2.5
  // answers per 250 ms window; ~120 ms no-load latency, and each request queued adds 100 ms.
  const BATCH: DownstreamModel = { servers: 1, serviceMs: 100, serviceJitter: 0.1, networkMs: 20, networkJitterMs: 5, maxQueue: 50, retryAfterMs: 1000 };
  const slower: DownstreamModel = { ...BATCH, serviceMs: 400 };

  it('keeps goodput at 90% of capacity with p99 within the SLO, and follows a drop to a quarter without stalling', (t) => {
    const end = 32_000;
    const result = simulate(adaptive(), { durationMs: end, stepMs: 250, timeoutMs: 2000, seed: SEED, messagesPerRequest: 100, modelAt: (at) => (at < DROP_AT ? BATCH : slower) });
    const steady = statsBetween(result, 10_000, DROP_AT);
    const after = statsBetween(result, DROP_AT + 4000, end);
    const sendRate = result.sends.filter((s) => s >= DROP_AT + 2000 && s < end).length / ((end - DROP_AT - 2000) / 1000);
    t.diagnostic(
      `steady: ${steady.goodputPerSec.toFixed(2)} requests/s of ${capacityOf(BATCH)}, p99 ${steady.p99LatencyMs} ms; after the drop: ${after.goodputPerSec.toFixed(2)} of ${capacityOf(slower)}, sent ${sendRate.toFixed(2)}/s from 2 s on`,
    );
    assert.ok(steady.goodputPerSec >= 0.9 * capacityOf(BATCH), `goodput ${steady.goodputPerSec}`);
    assert.ok((steady.p99LatencyMs ?? Infinity) <= SLO_MS, `p99 ${steady.p99LatencyMs}`);
    assert.ok(after.goodputPerSec >= 0.8 * capacityOf(slower), `goodput after the drop ${after.goodputPerSec}`);
    assert.ok(sendRate <= 1.3 * capacityOf(slower), `send rate after the drop ${sendRate}`);
  });
});

describe('adaptive controller when one request in flight can send more than the downstream takes', () => {
  // Batch mode against a service that answers on admission: one server at 100 ms per 100-message request
  // (C = 10 requests/s), answered within ~20 ms whatever it has queued (2 may wait, then 429), so one
  // request in flight could send 50/s and latency never rises: only the refusals say overload, and the
  // limit is at its floor of 1 throughout. Before the rate cut at the floor: ~48 requests/s sent, mostly refused.
  const ADMITTING: DownstreamModel = { servers: 1, serviceMs: 100, serviceJitter: 0.1, networkMs: 20, networkJitterMs: 5, maxQueue: 2, retryAfterMs: 1000, admitBurstMs: 10_000 };
  const slower: DownstreamModel = { ...ADMITTING, serviceMs: 400 };

  it('cuts the rate at the limit floor: after C → C/4 every later 2 s sends at most 1.3·C/4 within two simulated seconds', (t) => {
    for (const seed of [SEED, 1, 2]) {
      const end = 32_000;
      const result = simulate(adaptive(), { durationMs: end, stepMs: 250, timeoutMs: 2000, seed, messagesPerRequest: 100, modelAt: (at) => (at < DROP_AT ? ADMITTING : slower) });
      const quarterRate = capacityOf(slower);
      // Refused requests count: they were sent. From which 250 ms bucket on every later 2 s window stays under 1.3·C/4 (as bench/ops-loop.ts judges).
      let from: number | null = null;
      for (let u = end - 2000; u >= DROP_AT - 2000; u -= 250) {
        if (result.sends.filter((s) => s >= u && s < u + 2000).length / 2 > 1.3 * quarterRate) break;
        from = u - DROP_AT;
      }
      const steady = statsBetween(result, 10_000, DROP_AT);
      const after = statsBetween(result, DROP_AT + 4000, end);
      t.diagnostic(`seed ${seed}: steady ${steady.goodputPerSec.toFixed(2)} requests/s of ${capacityOf(ADMITTING)}; after the drop ${after.goodputPerSec.toFixed(2)} of ${quarterRate}, send rate settled ${from} ms after it`);
      assert.ok(from !== null && from <= 2000, `seed ${seed}: send rate settled only ${from} ms after the drop`);
      // Refusals are the only signal here, so the rate cap saws below them: 0.85–0.88·C, 0.7–1.0·C/4 (seeds 42, 1, 2).
      assert.ok(steady.goodputPerSec >= 0.8 * capacityOf(ADMITTING), `seed ${seed}: goodput ${steady.goodputPerSec}`);
      assert.ok(after.goodputPerSec >= 0.6 * quarterRate, `seed ${seed}: goodput after the drop ${after.goodputPerSec}`);
    }
  });
});

describe('adaptive controller in batch mode against a downstream that absorbs a burst (the bench ops-loop model)', () => {
  // bench/downstream's fluid model in batch mode: C = 10 requests of 100 messages/s (100 ms of work each),
  // a lone request answered once its work less the 100 ms the downstream absorbs is done, plus 50 ms. At
  // C/4 one request takes ~380 ms, longer than a control step, and every second request in flight adds
  // 400 ms. Before growth waited for its answers, slow start after the congestion probe at the floor
  // (~3.5 s after the drop) went 1 → 2 → 3 before the second request answered: 7 requests in one 2 s
  // window and a 429, again each time it regrew; settled 6.75 s and 6.25 s after the drop (seeds 1, 2),
  // never within the 12 s (seed 42).
  const BURST: DownstreamModel = { servers: 1, serviceMs: 100, serviceJitter: 0.1, networkMs: 50, networkJitterMs: 5, maxQueue: 2, retryAfterMs: 1000, admitBurstMs: 100 };
  const slower: DownstreamModel = { ...BURST, serviceMs: 400 };

  it('after C → C/4 every later 2 s window sends at most 1.3·C/4 within two simulated seconds, at 90% of C before', (t) => {
    for (const seed of [SEED, 1, 2]) {
      const end = DROP_AT + 12_000;
      const result = simulate(adaptive(), { durationMs: end, stepMs: 250, timeoutMs: 2000, seed, messagesPerRequest: 100, modelAt: (at) => (at < DROP_AT ? BURST : slower) });
      const quarterRate = capacityOf(slower);
      // As bench/ops-loop.ts judges: the end of the first 250 ms bucket from which every later 2 s window after the drop stays under.
      let from: number | null = null;
      for (let u = end - 2000; u >= DROP_AT; u -= 250) {
        if (result.sends.filter((s) => s >= u && s < u + 2000).length / 2 > 1.3 * quarterRate) break;
        from = u + 250 - DROP_AT;
      }
      const steady = statsBetween(result, 10_000, DROP_AT);
      const after = statsBetween(result, DROP_AT + 4000, end);
      t.diagnostic(`seed ${seed}: steady ${steady.goodputPerSec.toFixed(2)} requests/s of ${capacityOf(BURST)}, p99 ${steady.p99LatencyMs} ms; after the drop ${after.goodputPerSec.toFixed(2)} of ${quarterRate}, settled ${from} ms after it`);
      assert.ok(from !== null && from <= 2000, `seed ${seed}: send rate settled only ${from} ms after the drop`);
      assert.ok(steady.goodputPerSec >= 0.9 * capacityOf(BURST) && (steady.p99LatencyMs ?? Infinity) <= SLO_MS, `seed ${seed}: goodput ${steady.goodputPerSec}, p99 ${steady.p99LatencyMs}`);
      assert.ok(after.goodputPerSec >= 0.8 * quarterRate, `seed ${seed}: goodput after the drop ${after.goodputPerSec}`);
    }
  });
});
