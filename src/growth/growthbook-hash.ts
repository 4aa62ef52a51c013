/**
 * GrowthBook SDK bucketing (sdk-js src/util.ts: hash, getBucketRanges,
 * chooseVariation), so a front end that assigns users with the GrowthBook SDK
 * and Flywheel on the server put every user in the same arm.
 */

/** FNV-1a, 32 bits, over UTF-16 code units (as the SDK's charCodeAt loop). */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * The SDK's bucket hash, an integer in [0, 10000) for version 2:
 * fnv1a32(String(fnv1a32(seed + value))) mod 10000 (version 2, unbiased);
 * version 1 (the original, biased one) is fnv1a32(value + seed) mod 1000.
 */
export function growthbookBucket(seed: string, value: string, version: 1 | 2 = 2): number {
  return version === 2 ? fnv1a32(String(fnv1a32(seed + value))) % 10_000 : fnv1a32(value + seed) % 1000;
}

/** The SDK's `hash(seed, value, version)` in [0, 1); null for an unknown version. */
export function growthbookHash(seed: string, value: string, version: number): number | null {
  if (version === 2) return growthbookBucket(seed, value, 2) / 10_000;
  if (version === 1) return growthbookBucket(seed, value, 1) / 1000;
  return null;
}

export type BucketRange = [number, number];

/**
 * Variation ranges as the SDK computes them: coverage clamped to [0, 1];
 * weights that are missing, of the wrong length or not summing to 1 ± 0.01
 * replaced by equal weights; variation i owns [c_i, c_i + coverage·w_i) with
 * c_i the cumulative weight before it.
 */
export function growthbookBucketRanges(variations: number, coverage = 1, weights?: readonly number[]): BucketRange[] {
  const cover = Math.min(1, Math.max(0, coverage));
  const equal = variations > 0 ? new Array<number>(variations).fill(1 / variations) : [];
  let w: readonly number[] = weights && weights.length === variations ? weights : equal;
  const total = w.reduce((s, x) => s + x, 0);
  if (total < 0.99 || total > 1.01) w = equal;
  let cumulative = 0;
  return w.map((x) => {
    const start = cumulative;
    cumulative += x;
    return [start, start + cover * x];
  });
}

/** Index of the range holding n (start inclusive, end exclusive), or −1. */
export function chooseVariation(n: number, ranges: readonly BucketRange[]): number {
  return ranges.findIndex(([start, end]) => n >= start && n < end);
}
