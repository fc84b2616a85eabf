import { describe, expect, it } from 'vitest';
import { tf } from '../../tf.js';
import { initialValue } from '../../compile/initializers.js';
import { lineOfCode, locSpecs, type FunctionShape } from './lineOfCode.js';
import { FunctionCodes } from './modLin.js';

const shape: FunctionShape = { dim: 6, heads: 2, keyDim: 3, codeDim: 4, hidden: 8, mlpLayers: 2 };
const vars = Object.fromEntries(locSpecs('loc0', shape).map((s, i) => [s.name, initialValue(s.shape, s.init, i + 1)]));
const codes = new FunctionCodes(tf.randomNormal([2, 4], 0, 1, 'float32', 20), vars);
const x = tf.randomNormal([1, 2, 4, 6], 0, 1, 'float32', 21);
const stream = (t: tf.Tensor, u: number) => tf.slice(t, [0, u, 0, 0], [1, 1, 4, 6]);
const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];

describe('line of code', () => {
  it('declares pre-norms, ModAttn and ModMLP under its prefix', () => {
    const names = locSpecs('loc0', shape).map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining([
      'loc0.attnNorm.weight', 'loc0.attn.query.W_c', 'loc0.attn.out.weight', 'loc0.mlpNorm.bias', 'loc0.mlp.0.W_c', 'loc0.mlp.1.weight',
    ]));
  });

  it('acts as the identity on a function that can access no element (C_u· = 0)', () => {
    const c = tf.tensor3d([[[0.5, 1, 0.2, 0.9], [0, 0, 0, 0]]]);
    const y = lineOfCode(x, codes, c, vars, 'loc0', shape);
    expect(maxDiff(stream(y, 1), stream(x, 1))).toBe(0);
    expect(maxDiff(stream(y, 0), stream(x, 0))).toBeGreaterThan(1e-2);
  });

  it('leaves y_ui = x_ui where C_ui = 0, and transforms the other elements', () => {
    const c = tf.tensor3d([[[0.5, 0, 0.2, 0.9], [1, 1, 1, 1]]]);
    const y = lineOfCode(x, codes, c, vars, 'loc0', shape);
    const element = (t: tf.Tensor, i: number) => tf.slice(t, [0, 0, i, 0], [1, 1, 1, 6]);
    expect(maxDiff(element(y, 1), element(x, 1))).toBe(0);
    for (const i of [0, 2, 3]) expect(maxDiff(element(y, i), element(x, i))).toBeGreaterThan(1e-3);
  });
});
