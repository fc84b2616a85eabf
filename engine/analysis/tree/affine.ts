import type { ReluChain } from './chain.js';

/**
 * k values as affine functions of the d inputs: value_j(x) = Σ_i coef[j·d + i]·x_i + bias[j].
 * Rows are per value, so a row is directly a rule's (or a leaf output's) coefficients.
 */
export interface AffineMap {
  inDim: number;
  outDim: number;
  coef: Float64Array;
  bias: Float64Array;
}

export function identityMap(d: number): AffineMap {
  const coef = new Float64Array(d * d);
  for (let i = 0; i < d; i++) coef[i * d + i] = 1;
  return { inDim: d, outDim: d, coef, bias: new Float64Array(d) };
}

/** The map followed by y = v·W + b (W [k, m] row-major, as a Linear stores it). */
export function composeLinear(map: AffineMap, weight: Float64Array, bias: Float64Array | null, m: number): AffineMap {
  const { inDim: d, outDim: k } = map;
  const coef = new Float64Array(m * d);
  const out = bias ? Float64Array.from(bias) : new Float64Array(m);
  for (let j = 0; j < k; j++) {
    const row = map.coef.subarray(j * d, (j + 1) * d);
    const bj = map.bias[j];
    for (let o = 0; o < m; o++) {
      const w = weight[j * m + o];
      if (w === 0) continue;
      out[o] += w * bj;
      const target = o * d;
      for (let i = 0; i < d; i++) coef[target + i] += w * row[i];
    }
  }
  return { inDim: d, outDim: m, coef, bias: out };
}

/** ReLU with a known activation pattern: inactive units become the constant 0. */
export function applyMask(map: AffineMap, active: ArrayLike<boolean | number>): AffineMap {
  const coef = map.coef.slice();
  const bias = map.bias.slice();
  const d = map.inDim;
  for (let j = 0; j < map.outDim; j++) {
    if (active[j]) continue;
    coef.fill(0, j * d, (j + 1) * d);
    bias[j] = 0;
  }
  return { ...map, coef, bias };
}

/**
 * Applies chain ops from `fromOp` until the next ReLU (exclusive) or the end. Returns
 * the map of that ReLU's pre-activations (or of the outputs) and where it stopped.
 */
export function advance(chain: ReluChain, map: AffineMap, fromOp: number): { map: AffineMap; op: number } {
  let op = fromOp;
  let m = map;
  while (op < chain.ops.length) {
    const o = chain.ops[op];
    if (o.kind === 'relu') break;
    m = composeLinear(m, o.weight, o.bias, o.outDim);
    op++;
  }
  return { map: m, op };
}

/**
 * The map of the first ReLU layer's pre-activations (or of the outputs when there is
 * none), from the input. The first Linear's map is its weight transposed, taken as is
 * rather than multiplied by an identity (d² work per output: 20 million for an image).
 */
export function inputMap(chain: ReluChain): { map: AffineMap; op: number } {
  const cached = inputMaps.get(chain);
  if (cached) return cached;
  const first = chain.ops[0];
  let result: { map: AffineMap; op: number };
  if (first?.kind !== 'affine') {
    result = advance(chain, identityMap(chain.inputDim), 0);
  } else {
    const { inDim: d, outDim: m, weight } = first;
    const coef = new Float64Array(m * d);
    for (let i = 0; i < d; i++) for (let o = 0; o < m; o++) coef[o * d + i] = weight[i * m + o];
    result = advance(chain, { inDim: d, outDim: m, coef, bias: first.bias ? Float64Array.from(first.bias) : new Float64Array(m) }, 1);
  }
  inputMaps.set(chain, result);
  return result;
}

/** Maps are never modified in place (applyMask and composeLinear copy), so one per chain serves all. */
const inputMaps = new WeakMap<ReluChain, { map: AffineMap; op: number }>();

/** Value j of the map at x. */
export function evalRow(map: AffineMap, j: number, x: ArrayLike<number>, offset = 0): number {
  const d = map.inDim;
  let s = map.bias[j];
  const base = j * d;
  for (let i = 0; i < d; i++) s += map.coef[base + i] * x[offset + i];
  return s;
}

export function row(map: AffineMap, j: number): number[] {
  return Array.from(map.coef.subarray(j * map.inDim, (j + 1) * map.inDim));
}

/**
 * The exact linear model of the activation region holding x: the outputs as an
 * affine function of the input, and the activation pattern (one array per ReLU layer).
 * Inputs on a boundary (pre-activation exactly 0) count as inactive, as tf.relu.
 */
export function regionAt(chain: ReluChain, x: ArrayLike<number>): { outputs: AffineMap; pattern: Uint8Array[] } {
  let { map, op } = inputMap(chain);
  const pattern: Uint8Array[] = [];
  while (op < chain.ops.length) {
    const active = new Uint8Array(map.outDim);
    for (let j = 0; j < map.outDim; j++) active[j] = evalRow(map, j, x) > 0 ? 1 : 0;
    pattern.push(active);
    ({ map, op } = advance(chain, applyMask(map, active), op + 1));
  }
  return { outputs: map, pattern };
}
