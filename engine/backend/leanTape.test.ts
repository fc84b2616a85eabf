import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import './leanTape.js';

/** Kernel calls made while `f` runs, by kernel name. */
function kernelsDuring(f: () => void): Map<string, number> {
  const counts = new Map<string, number>();
  const engine = tf.engine() as unknown as { runKernelFunc(p: { kernelName?: string }): unknown };
  const original = engine.runKernelFunc;
  engine.runKernelFunc = function (this: unknown, p: { kernelName?: string }) {
    counts.set(p.kernelName ?? 'custom', (counts.get(p.kernelName ?? 'custom') ?? 0) + 1);
    return original.call(this, p);
  };
  try {
    f();
  } finally {
    engine.runKernelFunc = original;
  }
  return counts;
}

describe('saved tensors shared instead of cloned', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  afterAll(() => {
    tf.disposeVariables();
  });

  const w = tf.variable(tf.tensor2d([[0.5, -1], [2, 0.25]]), true, 'lean/w');
  const x = tf.tensor2d([[1, 2], [3, -4], [0.5, 0]]);
  const loss = () => tf.sum(tf.square(tf.relu(tf.matMul(x, w)))) as tf.Scalar;

  it('gives the same gradients with no Identity kernel per saved tensor', () => {
    // Reference: d/dW Σ relu(xW)² = xᵀ·(2·relu(xW)) by hand.
    const h = tf.relu(tf.matMul(x, w));
    const expected = Array.from(tf.matMul(x, tf.mul(h, 2), true, false).dataSync());
    let grads: number[] = [];
    const kernels = kernelsDuring(() => {
      grads = tf.tidy(() => Array.from(tf.variableGrads(loss).grads['lean/w'].dataSync()));
    });
    grads.forEach((g, i) => expect(g).toBeCloseTo(expected[i], 5));
    expect(kernels.get('Identity') ?? 0).toBe(0);
  });

  it('leaves no tensor behind after a training step', () => {
    const step = () => tf.dispose(tf.tidy(() => tf.variableGrads(loss)));
    step(); // warm-up: kernels may cache on first use
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) step();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('still differentiates a gradient (second derivative of x³ is 6x)', () => {
    const second = tf.grad(tf.grad((t: tf.Tensor) => tf.mul(tf.mul(t, t), t)));
    expect(Array.from(second(tf.tensor1d([1, -2, 0.5])).dataSync())).toEqual([6, -12, 3]);
  });
});
