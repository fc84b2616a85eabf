/**
 * uPlot wants one x array shared by all series. Step curves and epoch curves have
 * different x values (steps may be thinned by the engine's throttling), so they are
 * merged on the union of their x values with nulls where a series has no point.
 */
export interface XYSeries {
  x: readonly number[];
  ys: readonly (readonly (number | null)[])[];
}

export function alignSeries(parts: readonly XYSeries[]): (number | null)[][] {
  const xs = [...new Set(parts.flatMap((p) => p.x))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const out: (number | null)[][] = [xs];
  for (const part of parts) {
    for (const y of part.ys) {
      const col: (number | null)[] = new Array(xs.length).fill(null);
      part.x.forEach((x, i) => {
        const v = y[i];
        col[index.get(x)!] = v === null || v === undefined || !Number.isFinite(v) ? null : v;
      });
      out.push(col);
    }
  }
  return out;
}
