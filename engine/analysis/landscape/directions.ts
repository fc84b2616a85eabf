import { tf } from '../../tf.js';
import type { CompiledModel } from '../../compile/compile.js';
import { createRng, gaussian, hashSeed } from '../../util/hash.js';
import type { Direction } from './evaluator.js';

/** Weights as CompiledModel.weights() gives them (and checkpoints hold them). */
export type WeightSnapshot = Record<string, { shape: number[]; data: Float32Array }>;

/**
 * What becomes of variables with one axis or none (biases, LayerNorm gains) in a random
 * direction: Li et al.'s two choices. 'zero' leaves them unperturbed (their
 * `ignore='biasbn'`, the default here); 'weights' uses the variable itself as its part of
 * the direction.
 */
export type BiasTreatment = 'zero' | 'weights';

/**
 * A filter-normalised random direction (Li et al. 2018, "Visualizing the Loss Landscape
 * of Neural Nets"): Gaussian entries, then every filter of the direction scaled to the
 * norm of the same filter of the weights, so the plot's scale means the same for layers
 * of any size and for networks that differ only by a rescaling. A filter is one output
 * unit: one index of the last axis (a Linear weight is [in, out], so one column; the
 * row of PyTorch's [out, in]). The Gaussian draws depend only on the seed and the
 * variable's name, so two models with the same architecture get the same raw direction.
 */
export function randomDirection(weights: WeightSnapshot, seed: number, bias: BiasTreatment = 'zero'): Direction {
  const out: Direction = new Map();
  for (const [name, w] of Object.entries(weights)) {
    const data = new Float32Array(w.data.length);
    if (w.shape.length <= 1) {
      if (bias === 'weights') data.set(w.data);
    } else {
      const rng = createRng(hashSeed(seed, 'landscape-direction', name));
      for (let i = 0; i < data.length; i++) data[i] = gaussian(rng);
      filterNormalise(data, w.data, w.shape[w.shape.length - 1]);
    }
    out.set(name, tf.tensor(data, w.shape));
  }
  return out;
}

/** Scales each filter (one index of the last axis, stride `units`) of d to the norm of w's. */
export function filterNormalise(d: Float32Array, w: Float32Array, units: number): void {
  for (let u = 0; u < units; u++) {
    let dn = 0;
    let wn = 0;
    for (let i = u; i < d.length; i += units) {
      dn += d[i] * d[i];
      wn += w[i] * w[i];
    }
    const scale = dn > 0 ? Math.sqrt(wn) / Math.sqrt(dn) : 0;
    for (let i = u; i < d.length; i += units) d[i] *= scale;
  }
}

export function snapshotOf(model: CompiledModel): WeightSnapshot {
  return model.weights();
}

export interface PathDirections {
  /** Two unit directions (principal components of the path), as tensors. */
  directions: [Direction, Direction];
  /** Share of the path's variance along each. */
  explained: [number, number];
  /** Each snapshot's coordinates: (wᵢ − w)·d₁ and (wᵢ − w)·d₂; the centre is (0, 0). */
  coords: { x: number; y: number }[];
}

/**
 * Directions from the training path (Li et al. §7): PCA of the differences between the
 * snapshots and the final weights, M = [w₀ − w; …; wₙ₋₁ − w; 0] (the final weights are the
 * path's last point). The rows are centred (as their code does, through scikit-learn's
 * PCA) and the top two components found from the small Gram matrix, so the cost is
 * n²·(parameters), never parameters².
 */
export function pathDirections(snapshots: WeightSnapshot[], centre: WeightSnapshot): PathDirections {
  const names = Object.keys(centre);
  if (snapshots.length < 2) throw new Error(`the training path needs at least 2 weight snapshots besides the final weights, got ${snapshots.length}`);
  const P = names.reduce((s, n) => s + centre[n].data.length, 0);
  const n = snapshots.length;
  const rows = snapshots.map((snap, k) => {
    const r = new Float64Array(P);
    let o = 0;
    for (const name of names) {
      const a = snap[name];
      const c = centre[name];
      if (!a) throw new Error(`weight snapshot ${k} has no "${name}"`);
      if (a.data.length !== c.data.length) throw new Error(`weight snapshot ${k}: "${name}" has ${a.data.length} values, the model ${c.data.length}`);
      for (let i = 0; i < c.data.length; i++) r[o + i] = a.data[i] - c.data[i];
      o += c.data.length;
    }
    return r;
  });
  // The final weights are the path's last point (a zero row), so n snapshots span n directions.
  const m = n + 1;
  const mean = new Float64Array(P);
  for (const r of rows) for (let i = 0; i < P; i++) mean[i] += r[i] / m;
  const centred = [...rows, new Float64Array(P)].map((r) => r.map((v, i) => v - mean[i]));
  const gram = Array.from({ length: m }, () => new Float64Array(m));
  for (let a = 0; a < m; a++) {
    for (let b = a; b < m; b++) {
      let s = 0;
      const ra = centred[a];
      const rb = centred[b];
      for (let i = 0; i < P; i++) s += ra[i] * rb[i];
      gram[a][b] = gram[b][a] = s;
    }
  }
  const { values, vectors } = symmetricEigen(gram);
  const order = values.map((v, i) => [v, i] as const).sort((p, q) => q[0] - p[0]).map(([, i]) => i);
  const total = values.reduce((s, v) => s + Math.max(0, v), 0);
  const flat: Float64Array[] = [];
  for (const k of order.slice(0, 2)) {
    const d = new Float64Array(P);
    for (let a = 0; a < m; a++) {
      const coef = vectors[a][k];
      if (coef === 0) continue;
      const r = centred[a];
      for (let i = 0; i < P; i++) d[i] += coef * r[i];
    }
    let norm = 0;
    for (let i = 0; i < P; i++) norm += d[i] * d[i];
    norm = Math.sqrt(norm);
    if (!(norm > 0)) throw new Error('the weight snapshots do not move in two independent directions (are they all the same?)');
    for (let i = 0; i < P; i++) d[i] /= norm;
    flat.push(d);
  }
  if (flat.length < 2) throw new Error('the training path needs snapshots spanning two directions');
  const coords = rows.map((r) => ({ x: dot(r, flat[0]), y: dot(r, flat[1]) }));
  const toDirection = (d: Float64Array): Direction => {
    const out: Direction = new Map();
    let o = 0;
    for (const name of names) {
      const c = centre[name];
      out.set(name, tf.tensor(Float32Array.from(d.subarray(o, o + c.data.length)), c.shape));
      o += c.data.length;
    }
    return out;
  };
  const share = (k: number) => (total > 0 ? Math.max(0, values[order[k]]) / total : 0);
  return { directions: [toDirection(flat[0]), toDirection(flat[1])], explained: [share(0), share(1)], coords };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Cyclic Jacobi eigen-decomposition of a small symmetric matrix; vectors[i][k] is component i of vector k. */
export function symmetricEigen(matrix: Float64Array[]): { values: number[]; vectors: number[][] } {
  const n = matrix.length;
  const a = matrix.map((r) => Array.from(r));
  const v: number[][] = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p][q] * a[p][q];
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (Math.abs(a[p][q]) < 1e-300) continue;
        const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k][p];
          const akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p][k];
          const aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k][p];
          const vkq = v[k][q];
          v[k][p] = c * vkp - s * vkq;
          v[k][q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: a.map((r, i) => r[i]), vectors: v };
}
