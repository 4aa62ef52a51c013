/**
 * Average-linkage agglomerative clustering cut at a similarity threshold.
 *
 * Uses the nearest-neighbour-chain algorithm: O(n²) time and memory for the
 * n×n similarity matrix (≈ 32 MB at n = 2000). Average linkage is
 * reducible, so merge similarities never increase along the dendrogram and
 * keeping exactly the merges with similarity ≥ threshold yields the same
 * clusters as the classic greedy "merge the most similar pair" loop.
 *
 * @param n - number of items
 * @param similarity - symmetric pairwise similarity of items i and j
 * @param threshold - minimum average similarity between two clusters for them to merge
 * @returns clusters as arrays of item indices (ascending), ordered by first member
 */
export function averageLinkageClusters(
  n: number,
  similarity: (i: number, j: number) => number,
  threshold: number,
): number[][] {
  const sim = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1) {
    for (let j = i + 1; j < n; j += 1) {
      const s = similarity(i, j);
      sim[i * n + j] = s;
      sim[j * n + i] = s;
    }
  }
  const size = new Array<number>(n).fill(1);
  const active = new Set<number>(Array.from({ length: n }, (_, i) => i));
  // a merged cluster keeps slot a, so slot ids are always original items of their cluster
  const merges: Array<{ a: number; b: number; s: number }> = [];
  const chain: number[] = [];

  while (active.size > 1) {
    if (chain.length === 0) chain.push(Math.min(...active));
    const a = chain[chain.length - 1] as number;
    const prev = chain.length > 1 ? (chain[chain.length - 2] as number) : undefined;
    let best = prev ?? -1;
    let bestSim = prev === undefined ? -Infinity : (sim[a * n + prev] as number);
    for (const b of active) {
      if (b === a) continue;
      const s = sim[a * n + b] as number;
      if (s > bestSim) {
        best = b;
        bestSim = s;
      }
    }
    if (best !== prev) {
      chain.push(best);
      continue;
    }
    chain.length -= 2;
    merges.push({ a, b: best, s: bestSim });
    const total = (size[a] as number) + (size[best] as number);
    for (const k of active) {
      if (k === a || k === best) continue;
      const merged = ((size[a] as number) * (sim[a * n + k] as number) + (size[best] as number) * (sim[best * n + k] as number)) / total;
      sim[a * n + k] = merged;
      sim[k * n + a] = merged;
    }
    size[a] = total;
    active.delete(best);
  }

  const parent = Array.from({ length: n }, (_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x] as number] as number;
      x = parent[x] as number;
    }
    return x;
  };
  for (const { a, b, s } of merges) {
    if (s >= threshold) parent[find(b)] = find(a);
  }
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i += 1) {
    const root = find(i);
    const group = groups.get(root);
    if (group) group.push(i);
    else groups.set(root, [i]);
  }
  return [...groups.values()].sort((x, y) => (x[0] as number) - (y[0] as number));
}
