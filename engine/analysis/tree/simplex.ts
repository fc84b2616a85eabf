/**
 * A compact dense simplex for the small linear programs of the tree extraction:
 *
 *   maximise cᵀy  subject to  A·y ≤ b,  y ≥ 0,  with b ≥ 0
 *
 * b ≥ 0 makes y = 0 feasible, so one phase suffices (the caller shifts its variables to
 * make it so). Dantzig's rule picks the entering column; after many steps without
 * progress it switches to Bland's rule, which cannot cycle. Float64 throughout; the
 * programs here have tens of rows and a few columns.
 */
export interface LpResult {
  status: 'optimal' | 'unbounded' | 'iteration-limit';
  value: number;
  y: Float64Array;
}

const EPS = 1e-11;

export function maximise(c: ArrayLike<number>, A: ArrayLike<number>[], b: ArrayLike<number>): LpResult {
  const n = c.length;
  const m = A.length;
  const width = n + m + 1;
  // Rows 0..m-1: constraints with slack columns n..n+m-1; row m: the objective (−c).
  const t = new Float64Array((m + 1) * width);
  for (let i = 0; i < m; i++) {
    if (!(b[i] >= 0)) throw new RangeError(`simplex: b[${i}] = ${b[i]} must be ≥ 0 (y = 0 must be feasible)`);
    const r = i * width;
    for (let j = 0; j < n; j++) t[r + j] = A[i][j];
    t[r + n + i] = 1;
    t[r + width - 1] = b[i];
  }
  const obj = m * width;
  for (let j = 0; j < n; j++) t[obj + j] = -c[j];
  const basis = Int32Array.from({ length: m }, (_, i) => n + i);

  const limit = 200 * (m + n + 10);
  let bland = false;
  let stall = 0;
  for (let iter = 0; iter < limit; iter++) {
    // Entering column: a negative reduced cost improves the objective.
    let enter = -1;
    let best = -EPS;
    for (let j = 0; j < n + m; j++) {
      const v = t[obj + j];
      if (v < best) {
        enter = j;
        if (bland) break;
        best = v;
      }
    }
    if (enter < 0) return { status: 'optimal', value: t[obj + width - 1], y: solution(t, basis, n, width) };
    // Leaving row: the minimum ratio test (ties: the smallest basic index, Bland).
    let leave = -1;
    let ratio = Infinity;
    for (let i = 0; i < m; i++) {
      const a = t[i * width + enter];
      if (a <= EPS) continue;
      const r = t[i * width + width - 1] / a;
      if (r < ratio - EPS || (Math.abs(r - ratio) <= EPS && leave >= 0 && basis[i] < basis[leave])) {
        ratio = r;
        leave = i;
      }
    }
    if (leave < 0) return { status: 'unbounded', value: Infinity, y: solution(t, basis, n, width) };
    if (ratio <= EPS) {
      if (++stall > 50) bland = true;
    } else stall = 0;
    pivot(t, m, width, leave, enter);
    basis[leave] = enter;
  }
  return { status: 'iteration-limit', value: t[obj + width - 1], y: solution(t, basis, n, width) };
}

function pivot(t: Float64Array, m: number, width: number, row: number, col: number): void {
  const r = row * width;
  const p = t[r + col];
  for (let j = 0; j < width; j++) t[r + j] /= p;
  t[r + col] = 1;
  for (let i = 0; i <= m; i++) {
    if (i === row) continue;
    const o = i * width;
    const f = t[o + col];
    if (f === 0) continue;
    for (let j = 0; j < width; j++) t[o + j] -= f * t[r + j];
    t[o + col] = 0;
  }
}

function solution(t: Float64Array, basis: Int32Array, n: number, width: number): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < basis.length; i++) if (basis[i] < n) y[basis[i]] = t[i * width + width - 1];
  return y;
}
