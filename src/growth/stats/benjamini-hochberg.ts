/**
 * Benjamini–Hochberg step-up adjusted p-values (q-values), in input order (as
 * R's `p.adjust(p, "BH")`): sorted ascending, p̃(i) = min_{j≥i} min(1, m·p(j)/j).
 * Controls the false discovery rate for independent or positively dependent tests.
 */
export function benjaminiHochbergAdjust(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p);
  const adjusted = new Array<number>(m);
  let running = 1;
  for (let rank = m - 1; rank >= 0; rank -= 1) {
    const { p, i } = order[rank] as { p: number; i: number };
    running = Math.min(running, (m * p) / (rank + 1));
    adjusted[i] = running;
  }
  return adjusted;
}
