import { describe, expect, it } from 'vitest';
import { tf } from '../../tf.js';
import { Patchify } from './patchify.js';
import { checkGradients, inferKind, runKind } from '../../../test/helpers/kinds.js';

describe('Patchify', () => {
  it('maps [B,H,W] and [B,H,W,C] to [B, (H/p)(W/p), p·p·C]', () => {
    expect(inferKind(Patchify, { patch: 7 }, { in: { dtype: 'float32', shape: ['B', 28, 28] } })).toEqual({
      ok: true,
      outputs: { out: { dtype: 'float32', shape: ['B', 16, 49] } },
    });
    expect(inferKind(Patchify, { patch: 4 }, { in: { dtype: 'float32', shape: ['B', 8, 12, 3] } })).toEqual({
      ok: true,
      outputs: { out: { dtype: 'float32', shape: ['B', 6, 48] } },
    });
  });

  it('refuses sizes that are not multiples of the patch, and flat inputs, naming the port', () => {
    const r = inferKind(Patchify, { patch: 3 }, { in: { dtype: 'float32', shape: ['B', 28, 28] } });
    expect(r).toMatchObject({ ok: false, errors: [{ port: 'in', message: expect.stringContaining('multiples of 3') }] });
    expect(inferKind(Patchify, {}, { in: { dtype: 'float32', shape: ['B', 784] } })).toMatchObject({ ok: false, errors: [{ port: 'in' }] });
  });

  it('orders patches row by row, and pixels inside a patch by row, column, channel', () => {
    // A 4×4 image of values 0..15 with 2×2 patches: top-left, top-right, bottom-left, bottom-right.
    const image = tf.reshape(tf.range(0, 16), [1, 4, 4]);
    const out = runKind(Patchify, { patch: 2 }, { in: image }).outputs.out;
    expect(out.shape).toEqual([1, 4, 4]);
    expect(out.arraySync()).toEqual([[[0, 1, 4, 5], [2, 3, 6, 7], [8, 9, 12, 13], [10, 11, 14, 15]]]);
    // Two channels: each pixel's channels stay together.
    const rgb = tf.reshape(tf.range(0, 8), [1, 2, 2, 2]);
    expect(runKind(Patchify, { patch: 2 }, { in: rgb }).outputs.out.arraySync()).toEqual([[[0, 1, 2, 3, 4, 5, 6, 7]]]);
  });

  it('has gradients that match finite differences', () => {
    const x = tf.randomNormal([1, 4, 4, 2], 0, 1, 'float32', 28);
    const r = tf.randomNormal([1, 4, 8], 0, 1, 'float32', 29);
    const f = (xx: tf.Tensor) => tf.sum(tf.mul(tf.square(runKind(Patchify, { patch: 2 }, { in: xx }).outputs.out), r)) as tf.Scalar;
    expect(checkGradients(f, [x], { samples: 10 }).maxError).toBeLessThan(2e-2);
  });
});
