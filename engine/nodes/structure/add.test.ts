import { describe, expect, it } from 'vitest';
import { tf } from '../../tf.js';
import { Add, broadcastShapes } from './add.js';
import { checkGradients, inferKind, runKind } from '../../../test/helpers/kinds.js';

const f32 = (...shape: (number | 'B')[]) => ({ dtype: 'float32' as const, shape });

describe('Add', () => {
  it('keeps equal shapes and broadcasts as NumPy does', () => {
    expect(inferKind(Add, {}, { a: f32('B', 4), b: f32('B', 4) })).toEqual({ ok: true, outputs: { out: f32('B', 4) } });
    expect(inferKind(Add, {}, { a: f32('B', 3, 4), b: f32(4) })).toEqual({ ok: true, outputs: { out: f32('B', 3, 4) } });
    expect(inferKind(Add, {}, { a: f32('B', 1, 4), b: f32('B', 5, 1) })).toEqual({ ok: true, outputs: { out: f32('B', 5, 4) } });
    expect(broadcastShapes([1, 4], ['B', 1, 1])).toEqual(['B', 1, 4]);
  });

  it('reports a mismatch on port b with both shapes and the axis', () => {
    const r = inferKind(Add, {}, { a: f32('B', 3), b: f32('B', 4) });
    expect(r).toMatchObject({ ok: false, errors: [{ port: 'b', message: expect.stringContaining('axis -1 has size 3 in a and 4 in b') }] });
    // The batch size is unknown, so it never silently pairs with a fixed size.
    expect(inferKind(Add, {}, { a: f32('B', 3), b: f32(5, 3) }).ok).toBe(false);
  });

  it('names each unconnected port', () => {
    expect(inferKind(Add, {}, { a: f32('B', 2) })).toMatchObject({ ok: false, errors: [{ port: 'b' }] });
    expect(inferKind(Add, {}, {})).toMatchObject({ ok: false, errors: [{ port: 'a' }, { port: 'b' }] });
  });

  it('adds element-wise with broadcasting', () => {
    const out = runKind(Add, {}, { a: tf.tensor2d([[1, 2], [3, 4]]), b: tf.tensor1d([10, 20]) }).outputs.out;
    expect(Array.from(out.dataSync())).toEqual([11, 22, 13, 24]);
  });

  it('has gradients that match finite differences, summed over the broadcast axis', () => {
    const a = tf.randomNormal([3, 2], 0, 1, 'float32', 20);
    const b = tf.randomNormal([2], 0, 1, 'float32', 21);
    const r = tf.randomNormal([3, 2], 0, 1, 'float32', 22);
    const f = (aa: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(tf.square(runKind(Add, {}, { a: aa, b: bb }).outputs.out), r)) as tf.Scalar;
    expect(checkGradients(f, [a, b]).maxError).toBeLessThan(2e-2);
  });
});
