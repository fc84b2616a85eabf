import { describe, expect, it } from 'vitest';
import { tf } from '../../tf.js';
import { Concat } from './concat.js';
import { checkGradients, inferKind, runKind } from '../../../test/helpers/kinds.js';

const f32 = (...shape: (number | 'B')[]) => ({ dtype: 'float32' as const, shape });

describe('Concat', () => {
  it('adds up the sizes on the axis, with optional c and d', () => {
    expect(inferKind(Concat, {}, { a: f32('B', 2), b: f32('B', 3) })).toEqual({ ok: true, outputs: { out: f32('B', 5) } });
    expect(inferKind(Concat, { axis: 1 }, { a: f32('B', 1, 4), b: f32('B', 2, 4), c: f32('B', 3, 4), d: f32('B', 1, 4) })).toEqual({
      ok: true,
      outputs: { out: f32('B', 7, 4) },
    });
  });

  it('names the port whose shape does not fit', () => {
    const r = inferKind(Concat, { axis: -1 }, { a: f32('B', 2, 4), b: f32('B', 2, 4), c: f32('B', 3, 4) });
    expect(r).toMatchObject({ ok: false, errors: [{ port: 'c', message: expect.stringContaining('axis 1') }] });
    expect(inferKind(Concat, {}, { a: f32('B', 2), b: f32('B', 2, 1) })).toMatchObject({ ok: false, errors: [{ port: 'b' }] });
    expect(inferKind(Concat, {}, { a: f32('B', 2) })).toMatchObject({ ok: false, errors: [{ port: 'b' }] });
  });

  it('refuses to join along the batch axis', () => {
    expect(inferKind(Concat, { axis: 0 }, { a: f32('B', 2), b: f32('B', 2) })).toMatchObject({
      ok: false,
      errors: [{ message: expect.stringContaining('batch') }],
    });
  });

  it('joins in port order along the chosen axis', () => {
    const a = tf.tensor2d([[1], [2]]);
    const b = tf.tensor2d([[3, 4], [5, 6]]);
    const c = tf.tensor2d([[7], [8]]);
    const out = runKind(Concat, {}, { a, b, c }).outputs.out;
    expect(out.shape).toEqual([2, 4]);
    expect(Array.from(out.dataSync())).toEqual([1, 3, 4, 7, 2, 5, 6, 8]);
    const rows = runKind(Concat, { axis: 1 }, { a: tf.tensor3d([[[1, 2]]]), b: tf.tensor3d([[[3, 4]]]) }).outputs.out;
    expect(rows.shape).toEqual([1, 2, 2]);
  });

  it('has gradients that match finite differences', () => {
    const a = tf.randomNormal([2, 3], 0, 1, 'float32', 23);
    const b = tf.randomNormal([2, 2], 0, 1, 'float32', 24);
    const r = tf.randomNormal([2, 5], 0, 1, 'float32', 25);
    const f = (aa: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(tf.square(runKind(Concat, {}, { a: aa, b: bb }).outputs.out), r)) as tf.Scalar;
    expect(checkGradients(f, [a, b]).maxError).toBeLessThan(2e-2);
  });
});
