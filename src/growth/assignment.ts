import { chooseVariation, growthbookBucket, growthbookBucketRanges } from './growthbook-hash.js';
import { bucketOf } from './hash-to-unit.js';

export interface ArmWeight {
  arm: string;
  /** Non-negative; weights are normalised by their sum. */
  weight: number;
}

/** Slots [start, end) owned by one arm. */
export interface Segment {
  arm: string;
  start: number;
  end: number;
}

/**
 * How a user id becomes a slot. 'growthbook-v2': the GrowthBook SDK's hash
 * version 2 with the experiment key as seed, an integer in [0, 10000) used as
 * the slot directly (10 000 slots), so arms equal the SDK's for the same key,
 * user id and weights. 'sha256': Flywheel's original hash (hash-to-unit.ts),
 * kept for experiments created with it.
 */
export type BucketHash = 'growthbook-v2' | 'sha256';
export const BUCKET_HASHES = ['growthbook-v2', 'sha256'] as const;

/**
 * Which arm owns each slot of the bucket space. Persist it per experiment:
 * re-weighting starts from the previous allocation so users keep their arm,
 * and keeps its hash, so the hash of a running experiment never changes.
 */
export interface Allocation {
  /** Resolution of the bucket space; a user's slot is ⌊bucket · slots⌋ (sha256) or the GrowthBook bucket. */
  slots: number;
  hash: BucketHash;
  /** Sorted by start, disjoint, covering [0, slots) exactly. */
  segments: Segment[];
}

/** 10 000 slots: weights are honoured to 0.01 %. */
export const DEFAULT_SLOTS = 10_000;

/** Slots per arm by largest-remainder rounding, so counts sum to `slots` exactly. */
export function slotCounts(arms: readonly ArmWeight[], slots: number = DEFAULT_SLOTS): Map<string, number> {
  const names = new Set(arms.map((a) => a.arm));
  if (names.size !== arms.length) throw new RangeError('arm names must be unique');
  if (arms.some((a) => !(a.weight >= 0) || !Number.isFinite(a.weight))) throw new RangeError('arm weights must be finite and ≥ 0');
  const total = arms.reduce((s, a) => s + a.weight, 0);
  if (!(total > 0)) throw new RangeError('at least one arm needs a positive weight');
  const exact = arms.map((a) => (a.weight / total) * slots);
  const counts = exact.map(Math.floor);
  let missing = slots - counts.reduce((s, c) => s + c, 0);
  const byRemainder = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of byRemainder) {
    if (missing <= 0) break;
    counts[i] = (counts[i] as number) + 1;
    missing -= 1;
  }
  return new Map(arms.map((a, i) => [a.arm, counts[i] as number]));
}

function normalise(segments: Segment[]): Segment[] {
  const merged: Segment[] = [];
  for (const s of [...segments].filter((x) => x.end > x.start).sort((a, b) => a.start - b.start)) {
    const last = merged[merged.length - 1];
    if (last && last.arm === s.arm && last.end === s.start) last.end = s.end;
    else merged.push({ ...s });
  }
  return merged;
}

/**
 * Contiguous cumulative ranges in arm order: the allocation of a new
 * experiment. With 'growthbook-v2' the ranges are the SDK's
 * (growthbookBucketRanges of the normalised weights), each slot k going to the
 * range holding k/10000, so boundaries fall exactly where the SDK puts them.
 */
export function initialAllocation(arms: readonly ArmWeight[], slots: number = DEFAULT_SLOTS, hash: BucketHash = 'growthbook-v2'): Allocation {
  if (hash === 'growthbook-v2') return growthbookAllocation(arms, slots);
  const counts = slotCounts(arms, slots);
  let start = 0;
  const segments = arms.map(({ arm }) => {
    const end = start + (counts.get(arm) as number);
    const segment = { arm, start, end };
    start = end;
    return segment;
  });
  return { slots, hash, segments: normalise(segments) };
}

function growthbookAllocation(arms: readonly ArmWeight[], slots: number): Allocation {
  if (slots !== DEFAULT_SLOTS) throw new RangeError(`GrowthBook bucketing has ${DEFAULT_SLOTS} slots, not ${slots}`);
  slotCounts(arms, slots); // validates names and weights
  const total = arms.reduce((s, a) => s + a.weight, 0);
  const ranges = growthbookBucketRanges(arms.length, 1, arms.map((a) => a.weight / total));
  const segments: Segment[] = [];
  for (let k = 0; k < slots; k += 1) {
    // The normalised weights sum to 1 within rounding, so no slot is left out;
    // were one ever to be, it goes to the last arm rather than to none.
    const i = chooseVariation(k / slots, ranges);
    segments.push({ arm: (arms[i < 0 ? arms.length - 1 : i] as ArmWeight).arm, start: k, end: k + 1 });
  }
  return { slots, hash: 'growthbook-v2', segments: normalise(segments) };
}

/**
 * New weights with the fewest users re-bucketed. Each arm that shrinks gives
 * up slots from its highest-numbered segments; each arm that grows takes freed
 * slots, lowest first. Every slot that changes owner leaves a shrinking arm,
 * so the share of users moved is Σ max(0, old − new), the total-variation
 * distance between the two weightings: the least any re-mapping can move.
 * (Recomputing cumulative ranges instead would also shift every arm after the
 * first one whose weight changed.) Arms missing from `arms` are removed;
 * new arms start empty and grow.
 */
export function reweightAllocation(previous: Allocation, arms: readonly ArmWeight[]): Allocation {
  const targets = slotCounts(arms, previous.slots);
  const current = new Map<string, number>();
  for (const s of previous.segments) current.set(s.arm, (current.get(s.arm) ?? 0) + s.end - s.start);

  const kept: Segment[] = [];
  const freed: Array<{ start: number; end: number }> = [];
  const excess = new Map<string, number>();
  for (const [arm, count] of current) excess.set(arm, Math.max(0, count - (targets.get(arm) ?? 0)));
  for (const s of [...previous.segments].sort((a, b) => b.start - a.start)) {
    const shed = Math.min(excess.get(s.arm) ?? 0, s.end - s.start);
    excess.set(s.arm, (excess.get(s.arm) ?? 0) - shed);
    if (shed > 0) freed.push({ start: s.end - shed, end: s.end });
    if (s.end - shed > s.start) kept.push({ arm: s.arm, start: s.start, end: s.end - shed });
  }

  freed.sort((a, b) => a.start - b.start);
  const added: Segment[] = [];
  for (const { arm } of arms) {
    let need = (targets.get(arm) as number) - (current.get(arm) ?? 0);
    while (need > 0) {
      const gap = freed[0];
      if (!gap) throw new Error('reweightAllocation: freed slots ran out (previous allocation does not cover its slots)');
      const take = Math.min(need, gap.end - gap.start);
      added.push({ arm, start: gap.start, end: gap.start + take });
      gap.start += take;
      if (gap.start === gap.end) freed.shift();
      need -= take;
    }
  }
  return { slots: previous.slots, hash: previous.hash, segments: normalise([...kept, ...added]) };
}

/** The arm owning a slot. */
export function armOfSlot(allocation: Allocation, slot: number): string {
  const { segments } = allocation;
  let lo = 0;
  let hi = segments.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = segments[mid] as Segment;
    if (slot < s.start) hi = mid - 1;
    else if (slot >= s.end) lo = mid + 1;
    else return s.arm;
  }
  throw new RangeError(`allocation does not cover slot ${slot}`);
}

/** The arm owning the slot of a bucket position in [0, 1). */
export function armAt(allocation: Allocation, unit: number): string {
  return armOfSlot(allocation, Math.min(allocation.slots - 1, Math.floor(unit * allocation.slots)));
}

/** The slot of a user under the allocation's hash. */
export function slotOf(experimentKey: string, userId: string, allocation: Pick<Allocation, 'slots' | 'hash'>): number {
  if (allocation.hash === 'growthbook-v2') return growthbookBucket(experimentKey, userId, 2);
  return Math.min(allocation.slots - 1, Math.floor(bucketOf(experimentKey, userId) * allocation.slots));
}

/** The arm of a user: deterministic in (experimentKey, userId, allocation). */
export function assignArm(experimentKey: string, userId: string, allocation: Allocation): string {
  return armOfSlot(allocation, slotOf(experimentKey, userId, allocation));
}

/** Share of the bucket space whose arm differs between two allocations of the same resolution. */
export function movedShare(before: Allocation, after: Allocation): number {
  if (before.slots !== after.slots) throw new RangeError('allocations have different resolutions');
  const cuts = [...new Set([...before.segments, ...after.segments].flatMap((s) => [s.start, s.end]))].sort((a, b) => a - b);
  let moved = 0;
  for (let i = 0; i + 1 < cuts.length; i += 1) {
    const from = cuts[i] as number;
    const to = cuts[i + 1] as number;
    const mid = (from + 0.5) / before.slots;
    if (armAt(before, mid) !== armAt(after, mid)) moved += to - from;
  }
  return moved / before.slots;
}
