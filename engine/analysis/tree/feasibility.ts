import { maximise } from './simplex.js';

/** One side of a hidden unit's hyperplane: a·x + c > 0 (active) or a·x + c ≤ 0 (inactive). */
export interface HalfSpace {
  a: ArrayLike<number>;
  c: number;
  active: boolean;
}

export interface Box {
  lo: number[];
  hi: number[];
}

export interface FeasibilityResult {
  feasible: boolean;
  /** Radius of the largest ball (in input units) inside every half-space, its centre in the box. */
  margin: number;
  /** That centre: an input inside the region. */
  point: number[] | null;
}

/**
 * Does the polyhedron {x in box : every half-space holds} have an interior? Solved as a
 * Chebyshev-centre LP: maximise r such that each (normalised) half-space holds with
 * margin r, x within the box. Regions with a margin below `tolerance` (relative to the
 * box's diameter) are lower-dimensional or numerically meaningless, and count as empty:
 * inputs there sit on a boundary, where the neighbouring linear models agree.
 */
export function interiorPoint(halfSpaces: HalfSpace[], box: Box, tolerance = 1e-9): FeasibilityResult {
  const d = box.lo.length;
  const rows: { g: Float64Array; h: number }[] = [];
  for (const hs of halfSpaces) {
    // As g·x ≤ h: active (a·x + c > 0) is −a·x < c; inactive is a·x ≤ −c.
    const sign = hs.active ? -1 : 1;
    const g = new Float64Array(d);
    let norm = 0;
    for (let i = 0; i < d; i++) {
      g[i] = sign * hs.a[i];
      norm += g[i] * g[i];
    }
    norm = Math.sqrt(norm);
    const h = hs.active ? hs.c : -hs.c;
    if (norm < 1e-300) {
      // A constant: the unit is fixed whatever the input (e.g. after a dead unit).
      if (hs.active ? hs.c > 0 : hs.c <= 0) continue;
      return { feasible: false, margin: -Infinity, point: null };
    }
    for (let i = 0; i < d; i++) g[i] /= norm;
    rows.push({ g, h: h / norm });
  }
  const tol = marginTolerance(box, tolerance);
  if (rows.length === 0) {
    const centre = box.lo.map((l, i) => (l + box.hi[i]) / 2);
    return { feasible: true, margin: Infinity, point: centre };
  }
  // Variables y = (u, s) with x = lo + u (u ≥ 0 is the lower box bound) and margin r = s − T.
  // T shifts the margin so y = 0 is feasible, which the one-phase simplex needs.
  let shift = 0;
  const gLo = rows.map(({ g }) => g.reduce((acc, gi, i) => acc + gi * box.lo[i], 0));
  rows.forEach(({ h }, k) => (shift = Math.max(shift, gLo[k] - h)));
  shift += 1;
  const A: Float64Array[] = [];
  const b: number[] = [];
  rows.forEach(({ g, h }, k) => {
    const r = new Float64Array(d + 1);
    r.set(g);
    r[d] = 1;
    A.push(r);
    b.push(h - gLo[k] + shift);
  });
  for (let i = 0; i < d; i++) {
    const r = new Float64Array(d + 1);
    r[i] = 1;
    A.push(r);
    b.push(Math.max(0, box.hi[i] - box.lo[i]));
  }
  const objective = new Float64Array(d + 1);
  objective[d] = 1;
  const lp = maximise(objective, A, b);
  if (lp.status !== 'optimal') {
    // Bounded by construction; a stalled solve is treated as feasible so nothing real is pruned.
    return { feasible: true, margin: NaN, point: null };
  }
  const margin = lp.y[d] - shift;
  const point = box.lo.map((l, i) => l + lp.y[i]);
  return { feasible: margin > tol, margin, point };
}

/** The smallest margin (inradius) a region needs to count as non-empty in this box. */
export function marginTolerance(box: Box, tolerance = 1e-9): number {
  let diameter = 0;
  for (let i = 0; i < box.lo.length; i++) diameter += (box.hi[i] - box.lo[i]) ** 2;
  return tolerance * Math.max(1, Math.sqrt(diameter));
}
