import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import './binaryGradients.js';

const values = (t: tf.Tensor) => Array.from(t.dataSync());

describe('gradients of Add, Sub, Multiply and RealDiv', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  const a = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
  const row = tf.tensor1d([0.5, -1, 2]);
  const sum = (f: (x: tf.Tensor, y: tf.Tensor) => tf.Tensor) => tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(f(x, y)) as tf.Scalar);

  it('sum the broadcast axes back for the smaller operand', () => {
    const [da, db] = sum((x, y) => tf.mul(x, y))([a, row]);
    expect(da.shape).toEqual([2, 3]);
    expect(values(da)).toEqual([0.5, -1, 2, 0.5, -1, 2]);
    expect(db.shape).toEqual([3]);
    expect(values(db)).toEqual([5, 7, 9]);
    const [, dSub] = sum((x, y) => tf.sub(x, y))([a, row]);
    expect(values(dSub)).toEqual([-2, -2, -2]);
    const [dAddA, dAddB] = sum((x, y) => tf.add(x, y))([a, tf.scalar(3)]);
    expect(values(dAddA)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(dAddB.shape).toEqual([]);
    expect(values(dAddB)).toEqual([6]);
  });

  it('can be differentiated again: d²/dx² of Σ x·x·x + x is 6x, through same-shape products and sums', () => {
    const x = tf.tensor1d([1, -2, 0.5]);
    const first = (t: tf.Tensor) => tf.grad((u: tf.Tensor) => tf.sum(tf.add(tf.mul(tf.mul(u, u), u), u)))(t);
    expect(values(first(x))).toEqual([4, 13, 1.75]);
    expect(values(tf.grad((t: tf.Tensor) => tf.sum(first(t)))(x))).toEqual([6, -12, 3]);
  });

  it('differentiate a quotient in both operands: d(a/b)/da = 1/b, d(a/b)/db = −a/b²', () => {
    const b = tf.tensor2d([[2, 4, 0.5], [1, -2, 8]]);
    const [da, db] = sum((x, y) => tf.div(x, y))([a, b]);
    values(da).forEach((v, i) => expect(v).toBeCloseTo(1 / b.dataSync()[i], 6));
    values(db).forEach((v, i) => expect(v).toBeCloseTo(-a.dataSync()[i] / b.dataSync()[i] ** 2, 5));
  });

  it('run no Cast or Reshape kernel when the operands have the same shape', () => {
    const kinds: string[] = [];
    const engine = tf.engine() as unknown as { runKernelFunc(p: { kernelName?: string }): unknown };
    const original = engine.runKernelFunc;
    engine.runKernelFunc = function (this: unknown, p: { kernelName?: string }) {
      kinds.push(p.kernelName ?? 'custom');
      return original.call(this, p);
    };
    try {
      const f = (x: tf.Tensor, y: tf.Tensor) => tf.add(tf.mul(x, y), tf.sub(x, y));
      tf.tidy(() => tf.grads(f)([a, tf.ones([2, 3])], tf.ones([2, 3])));
    } finally {
      engine.runKernelFunc = original;
    }
    expect(kinds).not.toContain('Cast');
    expect(kinds).not.toContain('Reshape');
  });
});
