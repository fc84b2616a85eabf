import { describe, expect, it } from 'vitest';
import { tf } from '../../tf.js';
import { FunctionCodes, modLin, modLinSpecs } from './modLin.js';
import { modMlp, modMlpSpecs } from './modMlp.js';
import { gelu, LAYER_NORM_EPS } from './ops.js';

describe('ModLin', () => {
  it('computes W (x ⊗ LayerNorm(W_c c)) + b on a hand-checked case', () => {
    // W_c c = (3, −1): mean 1, variance 4, so LayerNorm(W_c c) = (1, −1) · 2/√(4 + ε_LN).
    const vars = {
      'l.W_c': tf.tensor2d([[3, -1]]),
      'l.weight': tf.tensor2d([[1, 0, 2], [0, 1, 1]]),
      'l.bias': tf.tensor1d([0, 0.5, -1]),
    };
    const x = tf.tensor4d([[[[2, 5]]]]);
    const y = modLin(x, new FunctionCodes(tf.tensor2d([[1]]), vars), vars, 'l');
    const m = 2 / Math.sqrt(4 + LAYER_NORM_EPS);
    const xPrime = [2 * m, -5 * m];
    const expected = [xPrime[0], xPrime[1] + 0.5, 2 * xPrime[0] + xPrime[1] - 1];
    expect(y.shape).toEqual([1, 1, 1, 3]);
    Array.from(y.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
  });

  it('gives each function stream its own code and shares W, b and W_c', () => {
    const specs = modLinSpecs('l', 4, 3, 2);
    expect(specs.map((s) => [s.name, s.shape])).toEqual([['l.weight', [4, 3]], ['l.bias', [3]], ['l.W_c', [2, 4]]]);
    const vars = Object.fromEntries(specs.map((s, i) => [s.name, tf.randomNormal(s.shape, 0, 1, 'float32', i + 1)]));
    const codes = tf.tensor2d([[1, -2], [0.5, 3]]);
    const x = tf.randomNormal([2, 2, 3, 4], 0, 1, 'float32', 9);
    const both = modLin(x, new FunctionCodes(codes, vars), vars, 'l');
    for (const u of [0, 1]) {
      const alone = modLin(tf.slice(x, [0, u, 0, 0], [2, 1, 3, 4]), new FunctionCodes(tf.slice(codes, [u, 0], [1, 2]), vars), vars, 'l');
      const part = tf.slice(both, [0, u, 0, 0], [2, 1, 3, 3]);
      expect(tf.max(tf.abs(tf.sub(part, alone))).dataSync()[0]).toBeLessThan(1e-6);
    }
    // The two codes really modulate differently.
    const same = modLin(x, new FunctionCodes(tf.tensor2d([[1, -2], [1, -2]]), vars), vars, 'l');
    expect(tf.max(tf.abs(tf.sub(both, same))).dataSync()[0]).toBeGreaterThan(1e-2);
  });
});

describe('ModMLP', () => {
  it('stacks L ModLin layers sharing the code, dim → hidden → … → dim, GELU between them', () => {
    const specs = modMlpSpecs('m', 4, 6, 3, 2);
    expect(specs.filter((s) => s.name.endsWith('.weight')).map((s) => s.shape)).toEqual([[4, 6], [6, 6], [6, 4]]);
    const vars = Object.fromEntries(specs.map((s, i) => [s.name, tf.randomNormal(s.shape, 0, 1, 'float32', i + 1)]));
    const codes = new FunctionCodes(tf.tensor2d([[0.3, -1]]), vars);
    const x = tf.randomNormal([1, 1, 2, 4], 0, 1, 'float32', 4);
    const byHand = modLin(gelu(modLin(gelu(modLin(x, codes, vars, 'm.0')), codes, vars, 'm.1')), codes, vars, 'm.2');
    const y = modMlp(x, codes, vars, 'm', 3);
    expect(tf.max(tf.abs(tf.sub(y, byHand))).dataSync()[0]).toBeLessThan(1e-6);
  });

  it('with L = 1 is one ModLin dim → dim', () => {
    expect(modMlpSpecs('m', 5, 9, 1, 2).map((s) => s.shape)).toEqual([[5, 5], [5], [2, 5]]);
  });

  it('uses the exact (erf) GELU', () => {
    const y = Array.from(gelu(tf.tensor1d([-1, 0, 1, 2])).dataSync());
    [-0.158655, 0, 0.841345, 1.954500].forEach((v, i) => expect(y[i]).toBeCloseTo(v, 5));
  });
});
