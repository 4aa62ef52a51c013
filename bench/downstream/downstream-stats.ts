const SECONDS_KEPT = 600;
/** Resolution of the time buckets `/_stats?from=…` reports. */
export const SLOT_MS = 10;
const SLOTS_KEPT = (SECONDS_KEPT * 1000) / SLOT_MS;

/** Delivery requests (probes excluded) in one stretch of time. */
export interface TimeBucket {
  /** Start, ms since epoch. */
  start: number;
  /** Requests that arrived, whatever their answer. */
  arrived: number;
  /** Messages in those (the send rate of a downstream whose capacity counts messages). */
  arrivedMessages: number;
  /** Requests answered 200, by answer time. */
  accepted: number;
  /** Messages in those. */
  messages: number;
  /** 429/503 refusals (answered on arrival). */
  refused: number;
  /** 500s, by answer time. */
  errors: number;
}
type Slot = Omit<TimeBucket, 'start'>;

export interface KeyCounts {
  requests: number;
  messages: number;
  ok: number;
  refused: number;
  errors: number;
}

export interface DownstreamStatsSnapshot {
  received: number;
  ok: number;
  /** 429/503 from overload. */
  refused: number;
  /** 500s from `errorRate` and overload. */
  errors: number;
  unauthorized: number;
  badRequests: number;
  /** Requests with `x-flywheel-probe: 1`: served through the model, counted here and in the HTTP totals only. */
  probes: number;
  /** Messages in requests answered 200. */
  messagesDelivered: number;
  byStatus: Record<string, number>;
  inFlight: number;
  maxInFlight: number;
  /** Requests received per wall-clock second, oldest first (the last 600 seconds). */
  perSecond: { second: number; received: number }[];
  /** By `x-campaign-id` header, else the body's `campaignId`, else "-". */
  perKey: Record<string, KeyCounts>;
  idempotency: {
    /** Distinct request `idempotency-key` headers answered 200. */
    requestKeys: number;
    /** Requests answered 200 whose key had been answered 200 before. */
    duplicateRequests: number;
    /** Distinct message `idempotencyKey`s delivered. */
    messageKeys: number;
    duplicateMessages: number;
  };
  latencyMs: { served: number; mean: number | null; max: number | null };
}

/** Counters of the simulated downstream; the server holds one and `/_reset` replaces it. */
export class DownstreamStats {
  private received = 0;
  private ok = 0;
  private refused = 0;
  private errors = 0;
  private unauthorized = 0;
  private badRequests = 0;
  private probes = 0;
  private messagesDelivered = 0;
  private readonly byStatus = new Map<number, number>();
  private inFlight = 0;
  private maxInFlight = 0;
  private readonly perSecond = new Map<number, number>();
  private readonly perKey = new Map<string, KeyCounts>();
  private readonly requestKeys = new Set<string>();
  private readonly messageKeys = new Set<string>();
  private duplicateRequests = 0;
  private duplicateMessages = 0;
  private latencyTotal = 0;
  private latencyMax: number | null = null;
  private served = 0;
  private readonly slots = new Map<number, Slot>();

  /** A request arrived (before any check): counts it and puts it in flight until `finished`. */
  arrived(nowMs: number): void {
    this.received++;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    const second = Math.floor(nowMs / 1000);
    this.perSecond.set(second, (this.perSecond.get(second) ?? 0) + 1);
    if (this.perSecond.size > SECONDS_KEPT) this.perSecond.delete(this.perSecond.keys().next().value!);
  }

  /** A valid delivery request of `messages` messages (signature and body checked, not a probe) reached the model at `nowMs`. */
  delivery(nowMs: number, messages: number): void {
    const slot = this.slot(nowMs);
    slot.arrived++;
    slot.arrivedMessages += messages;
  }

  /** A probe reached the model. */
  probe(): void {
    this.probes++;
  }

  /**
   * A request was answered. `key` marks a delivery (not a probe, not rejected before the model):
   * it is counted per key and, at `atMs` (the answer time), in the time buckets.
   */
  finished(status: number, details: { key?: string; messages?: number; latencyMs?: number; atMs?: number } = {}): void {
    this.inFlight--;
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
    if (status === 200) this.ok++;
    else if (status === 429 || status === 503) this.refused++;
    else if (status === 500) this.errors++;
    else if (status === 401) this.unauthorized++;
    else this.badRequests++;
    if (details.latencyMs !== undefined) {
      this.served++;
      this.latencyTotal += details.latencyMs;
      this.latencyMax = Math.max(this.latencyMax ?? 0, details.latencyMs);
    }
    if (details.key === undefined) return;
    if (details.atMs !== undefined) {
      const slot = this.slot(details.atMs);
      if (status === 200) {
        slot.accepted++;
        slot.messages += details.messages ?? 0;
      } else if (status === 429 || status === 503) slot.refused++;
      else if (status === 500) slot.errors++;
    }
    const counts = this.perKey.get(details.key) ?? { requests: 0, messages: 0, ok: 0, refused: 0, errors: 0 };
    counts.requests++;
    counts.messages += details.messages ?? 0;
    if (status === 200) counts.ok++;
    if (status === 429 || status === 503) counts.refused++;
    if (status === 500) counts.errors++;
    this.perKey.set(details.key, counts);
  }

  /** Records a request answered 200 and its idempotency keys; returns whether the request key was seen before. */
  delivered(requestKey: string | undefined, messages: number, messageKeys: readonly string[]): boolean {
    this.messagesDelivered += messages;
    for (const key of messageKeys) {
      if (this.messageKeys.has(key)) this.duplicateMessages++;
      else this.messageKeys.add(key);
    }
    if (requestKey === undefined) return false;
    const duplicate = this.requestKeys.has(requestKey);
    if (duplicate) this.duplicateRequests++;
    else this.requestKeys.add(requestKey);
    return duplicate;
  }

  /**
   * Delivery counts in consecutive buckets of `bucketMs` from `fromMs` up to `toMs`. Counts are kept
   * per 10 ms slot: a slot goes to the bucket its start falls in, the slot holding `fromMs` to the first.
   */
  buckets(fromMs: number, toMs: number, bucketMs: number): TimeBucket[] {
    const size = Math.max(SLOT_MS, bucketMs);
    const out: TimeBucket[] = [];
    for (let start = fromMs; start < toMs; start += size) out.push({ start, arrived: 0, arrivedMessages: 0, accepted: 0, messages: 0, refused: 0, errors: 0 });
    const firstSlot = Math.floor(fromMs / SLOT_MS) * SLOT_MS;
    for (const [index, counts] of this.slots) {
      const at = index * SLOT_MS;
      if (at < firstSlot || at >= toMs || out.length === 0) continue;
      const bucket = out[Math.min(out.length - 1, Math.max(0, Math.floor((at - fromMs) / size)))]!;
      bucket.arrived += counts.arrived;
      bucket.arrivedMessages += counts.arrivedMessages;
      bucket.accepted += counts.accepted;
      bucket.messages += counts.messages;
      bucket.refused += counts.refused;
      bucket.errors += counts.errors;
    }
    return out;
  }

  private slot(atMs: number): Slot {
    const index = Math.floor(atMs / SLOT_MS);
    let found = this.slots.get(index);
    if (!found) {
      found = { arrived: 0, arrivedMessages: 0, accepted: 0, messages: 0, refused: 0, errors: 0 };
      this.slots.set(index, found);
      if (this.slots.size > SLOTS_KEPT) this.slots.delete(this.slots.keys().next().value!);
    }
    return found;
  }

  snapshot(): DownstreamStatsSnapshot {
    return {
      received: this.received,
      ok: this.ok,
      refused: this.refused,
      errors: this.errors,
      unauthorized: this.unauthorized,
      badRequests: this.badRequests,
      probes: this.probes,
      messagesDelivered: this.messagesDelivered,
      byStatus: Object.fromEntries([...this.byStatus].map(([status, n]) => [String(status), n])),
      inFlight: this.inFlight,
      maxInFlight: this.maxInFlight,
      perSecond: [...this.perSecond].map(([second, received]) => ({ second, received })),
      perKey: Object.fromEntries([...this.perKey].map(([key, counts]) => [key, { ...counts }])),
      idempotency: {
        requestKeys: this.requestKeys.size,
        duplicateRequests: this.duplicateRequests,
        messageKeys: this.messageKeys.size,
        duplicateMessages: this.duplicateMessages,
      },
      latencyMs: { served: this.served, mean: this.served === 0 ? null : this.latencyTotal / this.served, max: this.latencyMax },
    };
  }
}
