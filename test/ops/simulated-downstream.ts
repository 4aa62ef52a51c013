// A deterministic queueing model of the downstream messaging service, and a sender
// that obeys a controller's decisions, stepped in 1 ms ticks of simulated time.
import type { ControlDecision, ControllerPolicy } from '../../src/ops/controller/controller-policy.js';
import { computeWindowStats, type LatencySample } from '../../src/ops/window-stats.js';
import { mulberry32 } from '../../src/growth/mulberry32.js';

/**
 * `servers` parallel workers each take `serviceMs ± serviceJitter` per request, so
 * capacity C = servers · 1000 / serviceMs req/s. Latency = network round trip + wait
 * in the admission queue + service: flat below C, growing past the knee. A request
 * that finds no idle worker and `maxQueue` already waiting is refused at once with
 * 429 + Retry-After.
 */
export interface DownstreamModel {
  servers: number;
  serviceMs: number;
  /** Uniform ± fraction of serviceMs. */
  serviceJitter: number;
  networkMs: number;
  networkJitterMs: number;
  maxQueue: number;
  retryAfterMs: number;
  /**
   * Answer 200 once a request's queue wait and service, less this much, have passed, while a server
   * still does the work in full (bench/downstream's fluid model: a service that takes messages for
   * delivery absorbs a burst of this much work back to back). One request in flight can then send more
   * than capacity. Unset: answered when served.
   */
  admitBurstMs?: number;
}

export const capacityOf = (m: DownstreamModel) => (m.servers * 1000) / m.serviceMs;

export interface Scenario {
  durationMs: number;
  /** Controller step interval; each step sees the window since the previous one. */
  stepMs: number;
  /** The client gives up after this and records a failure. */
  timeoutMs: number;
  seed: number;
  /** The downstream at simulated time t (ms from start): capacity changes are modelled here. */
  modelAt: (t: number) => DownstreamModel;
  /** Messages each request carries, as a batch-mode sample reports them (the model's service time is per request). @defaultValue 1 */
  messagesPerRequest?: number;
}

export interface SimResult<S = unknown> {
  /** Every finished request, `at` in simulated ms from the start. */
  samples: LatencySample[];
  sends: number[];
  decisions: { at: number; decision: ControlDecision }[];
  finalState: S;
}

interface Request {
  sentAt: number;
  netOut: number;
  netBack: number;
  settled: boolean;
}

/** Runs `policy` against the model with an endless backlog; `now` given to the policy is `epoch + t`. */
export function simulate<S>(policy: ControllerPolicy<S>, scenario: Scenario, epoch = 1_767_225_600_000): SimResult<S> {
  const random = mulberry32(scenario.seed);
  const samples: LatencySample[] = [];
  const sends: number[] = [];
  const decisions: SimResult<S>['decisions'] = [];
  const maxServers = 256;
  const servers: { req: Request | null; busyUntil: number }[] = Array.from({ length: maxServers }, () => ({ req: null, busyUntil: 0 }));
  const arrivals: { req: Request; at: number }[] = [];
  const waiting: Request[] = [];
  let responses: { req: Request; at: number; status: number; retryAfterMs?: number }[] = [];
  let open: Request[] = [];
  let inFlight = 0;
  let peakInFlight = 0;
  let tokens = 0;
  let state = policy.initialState(epoch);
  // An empty first step turns the initial state into a decision without moving it.
  let decision = policy.step(state, computeWindowStats([], { endAt: epoch, durationMs: scenario.stepMs }), epoch).decision;
  let windowFrom = 0;

  const settle = (req: Request, at: number, sample: Omit<LatencySample, 'at' | 'latencyMs'>) => {
    req.settled = true;
    inFlight -= 1;
    samples.push({ at, latencyMs: at - req.sentAt, ...sample, ...(scenario.messagesPerRequest ? { messages: scenario.messagesPerRequest } : {}) });
  };

  for (let t = 0; t <= scenario.durationMs; t += 1) {
    const model = scenario.modelAt(t);
    for (let i = 0; i < arrivals.length; ) {
      const arrival = arrivals[i]!;
      if (arrival.at > t) {
        i += 1;
        continue;
      }
      arrivals.splice(i, 1);
      const idle = servers.filter((server, j) => j < model.servers && !server.req).length;
      if (waiting.length >= model.maxQueue + idle) {
        responses.push({ req: arrival.req, at: arrival.at + arrival.req.netBack, status: 429, retryAfterMs: model.retryAfterMs });
      } else {
        waiting.push(arrival.req);
        if (model.admitBurstMs !== undefined) {
          const active = servers.filter((server, j) => j < model.servers && server.req);
          const busyMs = active.reduce((sum, server) => sum + Math.max(0, server.busyUntil - t), 0) + (waiting.length - 1) * model.serviceMs;
          const doneMs = busyMs / model.servers + model.serviceMs;
          responses.push({ req: arrival.req, at: arrival.at + Math.max(0, doneMs - model.admitBurstMs) + arrival.req.netBack, status: 200 });
        }
      }
    }
    servers.forEach((server, i) => {
      if (server.req && server.busyUntil <= t) {
        responses.push({ req: server.req, at: server.busyUntil + server.req.netBack, status: 200 });
        server.req = null;
      }
      if (!server.req && i < model.servers && waiting.length > 0) {
        server.req = waiting.shift()!;
        server.busyUntil = t + Math.round(model.serviceMs * (1 + model.serviceJitter * (2 * random() - 1)));
      }
    });
    const due = responses.filter((r) => r.at <= t).sort((a, b) => a.at - b.at);
    responses = responses.filter((r) => r.at > t);
    for (const r of due) {
      if (r.req.settled) continue;
      const ok = r.status < 400;
      settle(r.req, r.at, ok ? { ok, status: r.status } : { ok, status: r.status, ...(r.retryAfterMs === undefined ? {} : { retryAfterMs: r.retryAfterMs }) });
    }
    for (const req of open) {
      if (!req.settled && req.sentAt + scenario.timeoutMs <= t) settle(req, req.sentAt + scenario.timeoutMs, { ok: false });
    }
    open = open.filter((req) => !req.settled);

    if (t > 0 && t % scenario.stepMs === 0) {
      const fresh = samples.slice(windowFrom).map((s) => ({ ...s, at: s.at + epoch }));
      windowFrom = samples.length;
      const stats = computeWindowStats(fresh, { endAt: epoch + t, durationMs: scenario.stepMs });
      const result = policy.step(state, { ...stats, peakInFlight }, epoch + t);
      state = result.state;
      decision = result.decision;
      decisions.push({ at: t, decision });
      peakInFlight = inFlight;
    }

    tokens = Math.min(Math.max(1, decision.ratePerSec * 0.02), tokens + decision.ratePerSec / 1000);
    while (tokens >= 1 && inFlight < decision.limit) {
      tokens -= 1;
      const half = () => Math.round((model.networkMs + model.networkJitterMs * (2 * random() - 1)) / 2);
      const req: Request = { sentAt: t, netOut: half(), netBack: half(), settled: false };
      arrivals.push({ req, at: t + req.netOut });
      open.push(req);
      sends.push(t);
      inFlight += 1;
      peakInFlight = Math.max(peakInFlight, inFlight);
    }
  }
  return { samples, sends, decisions, finalState: state };
}

/** Samples with `from ≤ at < to` (simulated ms). */
export function between(samples: readonly LatencySample[], from: number, to: number): LatencySample[] {
  return samples.filter((s) => s.at >= from && s.at < to);
}
