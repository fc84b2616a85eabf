/**
 * The numbers behind the landscape views: a loss scale, a calm sequential colour map,
 * smooth sampling of a grid, and contour lines (marching squares). Pure, so they are
 * tested without a canvas.
 */

/** Dark navy for low loss through teal and green to pale sand for high loss. */
const STOPS: [number, number, number][] = [
  [23, 43, 92],
  [38, 98, 170],
  [62, 150, 170],
  [130, 196, 150],
  [236, 229, 186],
];

/** The colour of t in [0, 1] (clamped), interpolated between the stops. */
export function lossColor(t: number): [number, number, number] {
  const x = Math.max(0, Math.min(1, Number.isFinite(t) ? t : 1)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(x));
  const f = x - i;
  return [0, 1, 2].map((c) => Math.round(STOPS[i][c] + (STOPS[i + 1][c] - STOPS[i][c]) * f)) as [number, number, number];
}

export interface LossScale {
  lo: number;
  hi: number;
  /** Log scale: losses span orders of magnitude between the basin and the edges. */
  log: boolean;
  /** Position of a loss on the scale, 0 (lowest) to 1 (highest). */
  t(loss: number): number;
  /** The loss at a position (inverse of t). */
  value(t: number): number;
}

/**
 * A scale over the finite values: logarithmic when they are all positive and span more
 * than a factor of 3, linear otherwise. Infinite or NaN losses map to the top.
 */
export function lossScale(values: Iterable<number>): LossScale {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!Number.isFinite(lo)) (lo = 0), (hi = 1);
  const log = lo > 0 && hi / lo > 3;
  const f = log ? Math.log : (v: number) => v;
  const inv = log ? Math.exp : (v: number) => v;
  const a = f(lo);
  const span = f(hi) - a || 1;
  return {
    lo,
    hi,
    log,
    t: (v) => (Number.isFinite(v) ? (f(Math.max(v, lo)) - a) / span : 1),
    value: (t) => inv(a + t * span),
  };
}

/** `count` levels evenly spaced on the scale, strictly between its ends. */
export function contourLevels(scale: LossScale, count: number): number[] {
  return Array.from({ length: count }, (_, i) => scale.value((i + 1) / (count + 1)));
}

/**
 * The grid's value at fractional indices (u along columns, v along rows), bilinear
 * between the four grid points around it; clamped to the grid.
 */
export function bilinear(grid: number[][], u: number, v: number): number {
  const rows = grid.length;
  const cols = grid[0]?.length ?? 0;
  const cu = Math.max(0, Math.min(cols - 1, u));
  const cv = Math.max(0, Math.min(rows - 1, v));
  const i = Math.min(cols - 2, Math.floor(cu));
  const j = Math.min(rows - 2, Math.floor(cv));
  if (cols < 2 || rows < 2) return grid[Math.round(cv)]?.[Math.round(cu)] ?? NaN;
  const fu = cu - i;
  const fv = cv - j;
  const a = grid[j][i] * (1 - fu) + grid[j][i + 1] * fu;
  const b = grid[j + 1][i] * (1 - fu) + grid[j + 1][i + 1] * fu;
  return a * (1 - fv) + b * fv;
}

/** A contour segment in grid index coordinates: (column, row) to (column, row). */
export type Segment = [number, number, number, number];

/**
 * Marching squares: the segments where the grid (bilinearly) crosses `level`. Each cell
 * with corners on both sides contributes one segment, or two for a saddle (split by
 * the cell's centre value).
 */
export function contourSegments(grid: number[][], level: number): Segment[] {
  const out: Segment[] = [];
  const rows = grid.length;
  const cols = grid[0]?.length ?? 0;
  for (let j = 0; j + 1 < rows; j++) {
    for (let i = 0; i + 1 < cols; i++) {
      // Corners counter-clockwise from the bottom-left (row j is "down").
      const v0 = grid[j][i];
      const v1 = grid[j][i + 1];
      const v2 = grid[j + 1][i + 1];
      const v3 = grid[j + 1][i];
      if (![v0, v1, v2, v3].every(Number.isFinite)) continue;
      const code = (v0 > level ? 1 : 0) | (v1 > level ? 2 : 0) | (v2 > level ? 4 : 0) | (v3 > level ? 8 : 0);
      if (code === 0 || code === 15) continue;
      const at = (a: number, b: number) => (a === b ? 0.5 : (level - a) / (b - a));
      const bottom: [number, number] = [i + at(v0, v1), j];
      const right: [number, number] = [i + 1, j + at(v1, v2)];
      const top: [number, number] = [i + at(v3, v2), j + 1];
      const left: [number, number] = [i, j + at(v0, v3)];
      const seg = (p: [number, number], q: [number, number]) => out.push([p[0], p[1], q[0], q[1]]);
      switch (code) {
        case 1:
        case 14:
          seg(left, bottom);
          break;
        case 2:
        case 13:
          seg(bottom, right);
          break;
        case 3:
        case 12:
          seg(left, right);
          break;
        case 4:
        case 11:
          seg(right, top);
          break;
        case 6:
        case 9:
          seg(bottom, top);
          break;
        case 7:
        case 8:
          seg(left, top);
          break;
        case 5:
        case 10: {
          const centreAbove = (v0 + v1 + v2 + v3) / 4 > level;
          // Corners 0 and 2 above (5) or 1 and 3 above (10): the centre decides which pairs join.
          if ((code === 5) === centreAbove) {
            seg(left, top);
            seg(bottom, right);
          } else {
            seg(left, bottom);
            seg(right, top);
          }
          break;
        }
      }
    }
  }
  return out;
}

/** "0.0123", "1.25", "12.3": three significant digits for the legend and the labels. */
export function formatLoss(v: number): string {
  if (!Number.isFinite(v)) return '–';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(2);
  return String(Number(v.toPrecision(3)));
}
