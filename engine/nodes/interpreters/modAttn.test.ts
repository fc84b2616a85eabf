import { describe, expect, it } from 'vitest';
import { tf } from '../../tf.js';
import { FunctionCodes } from './modLin.js';
import { checkGradients, inferKind, runKind } from '../../../test/helpers/kinds.js';
import { ModAttn } from './modAttn.js';
import { modAttention } from './modAttention.js';
import { LAYER_NORM_EPS, NORMALISE_EPS } from './ops.js';

const tokens = (t: number, d: number) => ({ dtype: 'float32' as const, shape: ['B' as const, t, d] });
const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];

describe('ModAttn shapes', () => {
  it('maps tokens [B, T, D] to [B, T, D]', () => {
    expect(inferKind(ModAttn, { heads: 2, keyDim: 3 }, { in: tokens(7, 10) })).toEqual({ ok: true, outputs: { out: tokens(7, 10) } });
  });

  it('declares query, key, value and out ModLins with heads·keyDim columns, and one code', () => {
    const specs = ModAttn.variables!({ heads: 2, keyDim: 3, codeDim: 5 }, { in: tokens(7, 10) });
    const shapes = Object.fromEntries(specs.map((s) => [s.name, s.shape]));
    expect(shapes).toMatchObject({
      code: [5],
      'attn.query.weight': [10, 6], 'attn.query.W_c': [5, 10], 'attn.key.bias': [6],
      'attn.value.weight': [10, 6], 'attn.out.weight': [6, 10], 'attn.out.W_c': [5, 6], 'attn.out.bias': [10],
    });
    expect(specs).toHaveLength(13);
  });

  it('splits D into heads when keyDim is 0, and says so when D is not divisible', () => {
    const specs = ModAttn.variables!({ heads: 4, keyDim: 0, codeDim: 2 }, { in: tokens(3, 8) });
    expect(specs.find((s) => s.name === 'attn.query.weight')!.shape).toEqual([8, 8]);
    const r = inferKind(ModAttn, { heads: 4, keyDim: 0 }, { in: tokens(3, 10) });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors[0].port).toBe('in');
      expect(r.errors[0].message).toMatch(/keyDim 0.*D = 10.*heads = 4.*not divisible/);
    }
  });

  it('refuses inputs that are not float tokens [B, T, D], naming the port', () => {
    for (const input of [
      { dtype: 'float32' as const, shape: ['B' as const, 10] },
      { dtype: 'int32' as const, shape: ['B' as const, 4, 10] },
    ]) {
      const r = inferKind(ModAttn, {}, { in: input });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.errors[0].port).toBe('in');
    }
    const r = inferKind(ModAttn, {}, {});
    expect(!r.ok && r.errors[0].message).toMatch(/not connected/);
  });
});

describe('ModAttn values', () => {
  it('on a single token is ModLin_out(ModLin_value(x)) / (1 + ε), hand-checked', () => {
    // One token attends only to itself: W = softmax / (ε + 1) = 1 / (1 + ε), whatever q and k.
    // W_c c = (1, −1) for value and out, so LayerNorm(W_c c) = (1, −1)/√(1 + ε_LN).
    const m = 1 / Math.sqrt(1 + LAYER_NORM_EPS);
    const weights: Record<string, tf.Tensor> = {
      code: tf.tensor1d([1]),
      'attn.query.weight': tf.tensor2d([[0.3, -2], [1, 4]]), 'attn.query.bias': tf.tensor1d([1, 2]), 'attn.query.W_c': tf.tensor2d([[2, 1]]),
      'attn.key.weight': tf.tensor2d([[-1, 2], [0.5, 1]]), 'attn.key.bias': tf.tensor1d([0, 3]), 'attn.key.W_c': tf.tensor2d([[1, 3]]),
      'attn.value.weight': tf.tensor2d([[1, 0], [0, 1]]), 'attn.value.bias': tf.tensor1d([0, 0]), 'attn.value.W_c': tf.tensor2d([[1, -1]]),
      'attn.out.weight': tf.tensor2d([[1, 1], [0, 1]]), 'attn.out.bias': tf.tensor1d([0.5, 0]), 'attn.out.W_c': tf.tensor2d([[1, -1]]),
    };
    const x = tf.tensor3d([[[1, 2]]]);
    const out = runKind(ModAttn, { heads: 1, keyDim: 2, codeDim: 1 }, { in: x }, { weights }).outputs.out;
    const v = [1 * m, -2 * m].map((e) => e / (1 + NORMALISE_EPS)); // ỹ = W v, v = x ⊗ (1, −1)m
    const o = [v[0] * m, -v[1] * m]; // ⊗ LayerNorm(W_c c) of the out ModLin
    const expected = [o[0] * 1 + o[1] * 0 + 0.5, o[0] * 1 + o[1] * 1];
    Array.from(out.dataSync()).forEach((y, i) => expect(y).toBeCloseTo(expected[i], 5));
  });

  it('treats its input as a set: permuting tokens permutes the outputs', () => {
    const x = tf.randomNormal([2, 5, 6], 0, 1, 'float32', 1);
    const run = runKind(ModAttn, { heads: 2, keyDim: 3, codeDim: 4 }, { in: x });
    const order = tf.tensor1d([3, 0, 4, 1, 2], 'int32');
    const permuted = runKind(ModAttn, { heads: 2, keyDim: 3, codeDim: 4 }, { in: tf.gather(x, order, 1) }, { vars: run.vars });
    expect(maxDiff(permuted.outputs.out, tf.gather(run.outputs.out, order, 1))).toBeLessThan(1e-5);
  });

  it('mixes tokens: changing one token changes the others\' outputs', () => {
    const x = tf.randomNormal([1, 4, 6], 0, 1, 'float32', 2);
    const run = runKind(ModAttn, { heads: 2, keyDim: 3 }, { in: x });
    const changed = tf.concat([tf.slice(x, [0, 0, 0], [1, 3, 6]), tf.fill([1, 1, 6], 3)], 1);
    const other = runKind(ModAttn, { heads: 2, keyDim: 3 }, { in: changed }, { vars: run.vars });
    expect(maxDiff(tf.slice(other.outputs.out, [0, 0, 0], [1, 3, 6]), tf.slice(run.outputs.out, [0, 0, 0], [1, 3, 6]))).toBeGreaterThan(1e-3);
  });

  it('keeps elements with C_ui = 0 out of the attention of the others (the C_ui C_uj factor)', () => {
    const run = runKind(ModAttn, { heads: 2, keyDim: 3, codeDim: 4 }, { in: tf.zeros([1, 1, 6]) });
    const x = tf.randomNormal([1, 1, 4, 6], 0, 1, 'float32', 3);
    const c = tf.tensor3d([[[0.7, 0.2, 0, 1]]]);
    const code = new FunctionCodes(tf.reshape(run.vars.code, [1, 4]), run.vars);
    const y = modAttention(x, code, c, run.vars, 'attn', 2, 3);
    const x2 = tf.concat([tf.slice(x, [0, 0, 0, 0], [1, 1, 2, 6]), tf.fill([1, 1, 1, 6], 5), tf.slice(x, [0, 0, 3, 0], [1, 1, 1, 6])], 2);
    const y2 = modAttention(x2, code, c, run.vars, 'attn', 2, 3);
    // Equal up to ε: softmax_j still sees x_3, which rescales Σ_j W̃ against the ε of W = W̃ / (ε + Σ_j W̃).
    expect(maxDiff(y, y2)).toBeLessThan(1e-4);
    const open = tf.tensor3d([[[0.7, 0.2, 0.5, 1]]]);
    expect(maxDiff(modAttention(x, code, open, run.vars, 'attn', 2, 3), modAttention(x2, code, open, run.vars, 'attn', 2, 3))).toBeGreaterThan(1e-2);
  });

  it('has gradients that match finite differences (input, code, W_c, W)', () => {
    const params = { heads: 2, keyDim: 2, codeDim: 3 };
    const x = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 4);
    const base = runKind(ModAttn, params, { in: x }).vars;
    const names = ['code', 'attn.query.W_c', 'attn.key.weight', 'attn.value.W_c', 'attn.out.weight'];
    const r = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 5);
    const f = (xx: tf.Tensor, ...vs: tf.Tensor[]) => {
      const weights = { ...base, ...Object.fromEntries(names.map((n, i) => [n, vs[i]])) };
      return tf.sum(tf.mul(runKind(ModAttn, params, { in: xx }, { weights }).outputs.out, r)) as tf.Scalar;
    };
    expect(checkGradients(f, [x, ...names.map((n) => base[n])], { eps: 1e-2 }).maxError).toBeLessThan(2e-2);
  });
});
