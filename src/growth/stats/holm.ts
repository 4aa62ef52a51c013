/**
 * Holm–Bonferroni step-down adjusted p-values, in input order (as R's
 * `p.adjust(p, "holm")`): sorted ascending, p̃(i) = max_{j≤i} min(1, (m − j + 1)·p(j)).
 * Controls the family-wise error rate under any dependence.
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}
