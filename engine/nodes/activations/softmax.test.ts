import { describe, expect, it } from 'vitest';
import { tf } from '../../tf.js';
import { Softmax } from './softmax.js';
import { checkGradients, inferKind, runKind } from '../../../test/helpers/kinds.js';

describe('Softmax', () => {
  it('keeps the shape of its input', () => {
    const r = inferKind(Softmax, { axis: 1 }, { in: { dtype: 'float32', shape: ['B', 4, 8] } });
    expect(r).toEqual({ ok: true, outputs: { out: { dtype: 'float32', shape: ['B', 4, 8] } } });
  });

  it('refuses the batch axis and axes out of range, naming the port', () => {
    const batch = inferKind(Softmax, { axis: 0 }, { in: { dtype: 'float32', shape: ['B', 4] } });
    expect(batch).toMatchObject({ ok: false, errors: [{ port: 'in', message: expect.stringContaining('batch axis') }] });
    const far = inferKind(Softmax, { axis: 2 }, { in: { dtype: 'float32', shape: ['B', 4] } });
    expect(far).toMatchObject({ ok: false, errors: [{ port: 'in', message: expect.stringContaining('out of range') }] });
    const negative = inferKind(Softmax, { axis: -3 }, { in: { dtype: 'float32', shape: ['B', 4] } });
    expect(negative.ok).toBe(false);
  });

  it('normalises the last axis by default on a hand-checked case', () => {
    const out = runKind(Softmax, {}, { in: tf.tensor2d([[1, 2, 3]]) }).outputs.out.dataSync();
    const z = Math.E + Math.E ** 2 + Math.E ** 3;
    [1, 2, 3].forEach((v, i) => expect(out[i]).toBeCloseTo(Math.E ** v / z, 6));
  });

  it('normalises a middle axis when asked', () => {
    // [1, 2, 2]: along axis 1 each column sums to 1.
    const x = tf.tensor3d([[[0, 1], [Math.log(3), 1]]]);
    const out = runKind(Softmax, { axis: 1 }, { in: x }).outputs.out;
    expect(out.shape).toEqual([1, 2, 2]);
    const v = out.dataSync();
    expect(v[0]).toBeCloseTo(0.25, 6);
    expect(v[2]).toBeCloseTo(0.75, 6);
    expect(v[1]).toBeCloseTo(0.5, 6);
    expect(v[3]).toBeCloseTo(0.5, 6);
  });

  it('has gradients that match finite differences (last and middle axis)', () => {
    const x = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 9);
    const r = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 10);
    for (const axis of [-1, 1]) {
      const f = (xx: tf.Tensor) => tf.sum(tf.mul(runKind(Softmax, { axis }, { in: xx }).outputs.out, r)) as tf.Scalar;
      expect(checkGradients(f, [x], { samples: 8 }).maxError).toBeLessThan(2e-2);
    }
  });
});
