import { describe, expect, it } from 'vitest';
import { tf } from '../../tf.js';
import { Dropout } from './dropout.js';
import { checkGradients, inferKind, runKind } from '../../../test/helpers/kinds.js';

describe('Dropout', () => {
  it('keeps the shape of its input', () => {
    const r = inferKind(Dropout, { rate: 0.2 }, { in: { dtype: 'float32', shape: ['B', 16] } });
    expect(r).toEqual({ ok: true, outputs: { out: { dtype: 'float32', shape: ['B', 16] } } });
  });

  it('refuses int inputs, naming the port', () => {
    expect(inferKind(Dropout, {}, { in: { dtype: 'int32', shape: ['B', 3] } })).toMatchObject({ ok: false, errors: [{ port: 'in' }] });
  });

  it('refuses a rate of 1 or more (everything dropped)', () => {
    expect(() => runKind(Dropout, { rate: 1 }, { in: tf.ones([1, 2]) })).toThrow(/rate/);
  });

  it('is the identity at evaluation', () => {
    const x = tf.tensor2d([[1, -2, 3, 4]]);
    const out = runKind(Dropout, { rate: 0.9 }, { in: x }, { training: false }).outputs.out;
    expect(Array.from(out.dataSync())).toEqual([1, -2, 3, 4]);
  });

  it('zeroes about `rate` of the values at training and scales the rest by 1/(1-rate)', () => {
    const x = tf.fill([100, 100], 2);
    const out = runKind(Dropout, { rate: 0.25 }, { in: x }, { training: true, seed: 11 }).outputs.out.dataSync();
    const zeros = out.filter((v) => v === 0).length / out.length;
    expect(zeros).toBeGreaterThan(0.23);
    expect(zeros).toBeLessThan(0.27);
    for (const v of out) if (v !== 0) expect(v).toBeCloseTo(2 / 0.75, 5);
  });

  it('draws the same mask for the same seed and another one for another seed', () => {
    const x = tf.ones([8, 32]);
    const mask = (seed: number) => Array.from(runKind(Dropout, { rate: 0.5 }, { in: x }, { training: true, seed }).outputs.out.dataSync());
    expect(mask(3)).toEqual(mask(3));
    expect(mask(3)).not.toEqual(mask(4));
  });

  it('passes gradients through the kept units only, scaled', () => {
    const x = tf.randomNormal([4, 6], 0, 1, 'float32', 12);
    const r = tf.randomNormal([4, 6], 0, 1, 'float32', 13);
    const f = (xx: tf.Tensor) =>
      tf.sum(tf.mul(runKind(Dropout, { rate: 0.3 }, { in: xx }, { training: true, seed: 5 }).outputs.out, r)) as tf.Scalar;
    expect(checkGradients(f, [x], { samples: 12 }).maxError).toBeLessThan(2e-2);
  });
});
