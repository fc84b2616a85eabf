import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '../../engine/tf.js';
import { addonBuilt } from '../../engine/backend/native/addon.js';
import { NATIVE_BACKEND, nativeSparseProductCount, registerNativeBackend, setNativeSparseProducts, setNativeThreads } from '../../engine/backend/native/backend.js';
import { fusedAdamUpdate, fusedGlobalNorm } from '../../engine/backend/fused.js';
import { groupedLinear } from '../../engine/backend/groupedMatMul.js';
import { gelu, layerNorm } from '../../engine/backend/normalization.js';
import { classAccuracy, softmaxCrossEntropy } from '../../engine/backend/crossEntropy.js';
import { linearWithBias } from '../../engine/backend/linear.js';
import { modulatedLinear } from '../../engine/backend/modulatedLinear.js';
import { initBackend } from '../../engine/backend/select.js';
import { batchIterator } from '../../engine/data/batches.js';
import type { DataSplit, DatasetSpec } from '../../engine/data/spec.js';
import { createOptimizer } from '../../engine/train/optimizers.js';
import { trainGraph } from '../../engine/run/trainGraph.js';
import type { TrainEvent } from '../../engine/train/events.js';
import type { Graph } from '../../engine/graph/schema.js';
import type { NodeKind } from '../../engine/nodes/kind.js';
import { allKinds } from '../../engine/nodes/registry.js';
import { resolveParams } from '../../engine/nodes/params.js';
import { initialValue } from '../../engine/compile/initializers.js';
import { runKind, typeOf } from '../helpers/kinds.js';
import { spiralsGraph } from '../helpers/graphs.js';

/**
 * The native backend (N-API addon over BLAS, native/) against the cpu backend: its own
 * kernels, every node kind's forward and gradient, the fused optimizer arithmetic, the
 * array pool's safety, and training (determinism, NaN stop). Where the addon was not
 * built (no compiler or OpenBLAS at install) this file is skipped, except in CI, which
 * installs OpenBLAS and must build it.
 */
const built = addonBuilt();
const why = 'the native addon is not built (apt-get install libopenblas-dev, then node native/build.mjs)';

describe('native addon availability', () => {
  it.runIf(!built && Boolean(process.env.CI))(`is built in CI: ${why}`, () => {
    throw new Error(`CI must build the native backend: ${why}`);
  });
  it.skipIf(!built)('loads and registers the native backend', () => {
    registerNativeBackend();
    expect(tf.findBackendFactory(NATIVE_BACKEND)).toBeTruthy();
  });
});

/** |a − b| ≤ tol·max(1, |b|) elementwise, NaN only where the reference has NaN; returns the worst ratio. */
function worst(a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-4): number {
  expect(a.length).toBe(b.length);
  let w = 0;
  for (let i = 0; i < b.length; i++) {
    if (Number.isNaN(b[i])) {
      expect(Number.isNaN(a[i]), `NaN expected at ${i}`).toBe(true);
      continue;
    }
    if (b[i] === a[i]) continue;
    w = Math.max(w, Math.abs(a[i] - b[i]) / (tol * Math.max(1, Math.abs(b[i]))));
  }
  return w;
}

type Result = { shape: number[]; dtype: string; values: number[] }[];

/** Runs `f` on a backend and returns its tensors as plain values. */
async function on(backend: string, f: () => tf.Tensor | tf.Tensor[]): Promise<Result> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const out = f();
    return (Array.isArray(out) ? out : [out]).map((t) => ({ shape: t.shape, dtype: t.dtype, values: Array.from(t.dataSync()) }));
  });
}

async function expectParity(f: () => tf.Tensor | tf.Tensor[], tol = 1e-4): Promise<void> {
  const cpu = await on('cpu', f);
  const native = await on(NATIVE_BACKEND, f);
  expect(native.length).toBe(cpu.length);
  native.forEach((r, i) => {
    expect(r.shape).toEqual(cpu[i].shape);
    expect(r.dtype).toBe(cpu[i].dtype);
    expect(worst(r.values, cpu[i].values, tol)).toBeLessThanOrEqual(1);
  });
}

const rnd = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);

describe.skipIf(!built)('native kernels match the cpu backend', () => {
  beforeAll(() => {
    registerNativeBackend();
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each([
    ['a·b', [5, 7], [7, 3], false, false],
    ['aᵀ·b', [7, 5], [7, 3], true, false],
    ['a·bᵀ', [5, 7], [3, 7], false, true],
    ['aᵀ·bᵀ', [7, 5], [3, 7], true, true],
    ['batched', [2, 5, 7], [2, 7, 3], false, false],
    ['batched, b shared', [3, 5, 7], [7, 2], false, false],
    ['batched, a shared, transposed', [1, 7, 5], [4, 2, 7], true, true],
    ['batched rank 4', [2, 3, 4, 6], [2, 3, 6, 5], false, false],
    ['empty inner dimension', [3, 0], [0, 4], false, false],
  ] as const)('matMul %s', async (_name, as, bs, ta, tb) => {
    await expectParity(() => tf.matMul(rnd([...as], 1), rnd([...bs], 2), ta, tb));
  });

  it('batch broadcasts that need index arithmetic fall back to the cpu kernel and still agree', async () => {
    await expectParity(() => tf.matMul(rnd([2, 1, 3, 4], 3), rnd([1, 3, 4, 2], 4)));
  });

  it.each(['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu', 'prelu'] as const)(
    'fused matMul with a bias and %s, and its gradient',
    async (activation) => {
      await expectParity(() => {
        const a = rnd([6, 5], 5);
        const b = rnd([5, 4], 6);
        const f = (x: tf.Tensor, w: tf.Tensor, bias: tf.Tensor) =>
          tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, bias, activation, preluActivationWeights: activation === 'prelu' ? tf.fill([4], 0.3) : undefined, leakyreluAlpha: 0.1 });
        const bias = rnd([4], 7);
        const grads = tf.grads((x: tf.Tensor, w: tf.Tensor, c: tf.Tensor) => tf.sum(tf.square(f(x, w, c))) as tf.Scalar)([a, b, bias]);
        return [f(a, b, bias), ...grads];
      });
    },
  );

  it.each([
    ['scalar', [1]],
    ['per row and column', [6, 4]],
    ['broadcast column', [6, 1]],
  ] as const)('fused matMul with a %s bias', async (_name, biasShape) => {
    await expectParity(() => tf.fused.matMul({ a: rnd([6, 5], 8) as tf.Tensor2D, b: rnd([5, 4], 9) as tf.Tensor2D, bias: rnd([...biasShape], 10), activation: 'relu' }));
  });

  it.each([
    ['without affine', false, [5, 8]],
    ['with γ and β', true, [2, 3, 16]],
  ] as const)('the LayerNorm kernel %s and its gradient agree with the composed ops', async (_name, affine, shape) => {
    await expectParity(() => {
      const x = tf.add(tf.mul(rnd([...shape], 21), 3), 1.5);
      const d = shape[shape.length - 1];
      const r = rnd([...shape], 22);
      if (!affine) return [layerNorm(x, 1e-5), tf.grad((t: tf.Tensor) => tf.sum(tf.mul(layerNorm(t, 1e-5), r)))(x)];
      const [gamma, beta] = [rnd([d], 23), rnd([d], 24)];
      const f = (t: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(layerNorm(t, 1e-5, g, b), r)) as tf.Scalar;
      return [layerNorm(x, 1e-5, gamma, beta), ...tf.grads(f)([x, gamma, beta])];
    });
  });

  it('the GELU kernel and its gradient agree with the erf composition', async () => {
    await expectParity(() => {
      const x = tf.mul(rnd([7, 33], 25), 4);
      const r = rnd([7, 33], 26);
      return [gelu(x), tf.grad((t: tf.Tensor) => tf.sum(tf.mul(gelu(t), r)))(x)];
    }, 2e-5);
  });

  it.each([0, 0.1])('the softmax cross-entropy kernel (label smoothing %s) and its gradient agree with the composed ops', async (smoothing) => {
    await expectParity(() => {
      const logits = tf.mul(rnd([9, 5], 27), 5) as tf.Tensor2D;
      // The last label is out of range: no one-hot part, as tfjs' oneHot gives.
      const labels = tf.tensor1d([0, 4, 2, 2, 1, 3, 0, 4, 7], 'int32');
      const f = (z: tf.Tensor) => tf.mul(softmaxCrossEntropy(z as tf.Tensor2D, labels, smoothing), 3) as tf.Scalar;
      return [f(logits), tf.grad(f)(logits)];
    }, 2e-5);
  });

  it('the accuracy kernel agrees with argMax, equal and mean: ties go to the first, NaN after the first entry never wins, labels out of range miss', async () => {
    await expectParity(() => {
      const logits = tf.tensor2d([[1, 3, 3], [2, 2, 2], [0, NaN, 5], [NaN, 1, 2], [4, 1, 0], [0, 1, 2], [1, 0, 0]]);
      const labels = tf.tensor1d([1, 0, 2, 0, 0, 2, 9], 'int32');
      const wide = tf.mul(rnd([300, 10], 70), 3) as tf.Tensor2D;
      const wideLabels = tf.cast(tf.mul(tf.randomUniform([300], 0, 1, 'float32', 71), 10), 'int32') as tf.Tensor1D;
      return [classAccuracy(logits, labels), classAccuracy(wide, wideLabels), classAccuracy(tf.zeros([0, 3]) as tf.Tensor2D, tf.zeros([0], 'int32') as tf.Tensor1D)];
    }, 0);
  });

  it('the Linear kernel (bias in the product) and its gradients agree with matMul + add', async () => {
    await expectParity(() => {
      const [x, w, b] = [rnd([130, 70], 72), rnd([70, 33], 73), rnd([33], 74)];
      const r = rnd([130, 33], 75);
      const f = (...t: tf.Tensor[]) => tf.sum(tf.mul(linearWithBias(t[0] as tf.Tensor2D, t[1] as tf.Tensor2D, t[2] as tf.Tensor1D), r)) as tf.Scalar;
      return [linearWithBias(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D), ...tf.grads(f)([x, w, b])];
    }, 5e-4); // weight gradients sum 130 rows in BLAS's order
  });

  it("ReLU's one-kernel gradient agrees with tfjs' step, cast and multiply: NaN where x is NaN, ∞·0 is NaN", async () => {
    await expectParity(() => {
      const x = tf.tensor1d([2, -1, 0, NaN, 3, -4, 0, 5]);
      const dy = tf.tensor1d([0.5, 0.5, 0.5, 0.5, Infinity, Infinity, NaN, NaN]);
      const big = rnd([130, 70], 76);
      return [...tf.grads((t: tf.Tensor) => tf.relu(t))([x], dy), ...tf.grads((t: tf.Tensor) => tf.relu(t))([big], rnd([130, 70], 77))];
    }, 0);
  });

  it("a gradient of ReLU's gradient (d²/dx² of Σ relu(x)·x is 2 where x > 0) as on cpu", async () => {
    const cpu = await on('cpu', () => tf.grad((x: tf.Tensor) => tf.sum(tf.grad((y: tf.Tensor) => tf.sum(tf.mul(tf.relu(y), y)))(x)))(tf.tensor1d([2, -1, 3, 0])));
    expect(cpu[0].values).toEqual([2, 0, 2, 0]);
    await expectParity(() => tf.grad((x: tf.Tensor) => tf.sum(tf.grad((y: tf.Tensor) => tf.sum(tf.mul(tf.relu(y), y)))(x)))(tf.tensor1d([2, -1, 3, 0])), 0);
  });

  it('the modulated linear kernel (ModLin) and its gradients agree with multiply + matMul', async () => {
    await expectParity(() => {
      const [x, m, w, b] = [rnd([3, 4, 5, 6], 28), rnd([4, 6], 29), rnd([6, 7], 30), rnd([7], 31)];
      const r = rnd([3, 4, 5, 7], 32);
      const f = (...t: tf.Tensor[]) => tf.sum(tf.mul(modulatedLinear(t[0], t[1], t[2], t[3]), r)) as tf.Scalar;
      return [modulatedLinear(x, m, w, b), ...tf.grads(f)([x, m, w, b])];
    });
  });

  it('exp is exact at the ends of float32 range: 0 for −∞, ∞ past 88.72, NaN kept', async () => {
    await expectParity(() => tf.exp(tf.tensor([-Infinity, -1000, -87.5, -87, -1, 0, 1e-4, 20, 88.7, 88.8, 1000, Infinity, NaN])), 1e-6);
  });

  const binaryShapes: [string, number[], number[]][] = [
    ['same shape', [3, 4], [3, 4]],
    ['scalar', [3, 4], []],
    ['scalar first', [], [3, 4]],
    ['row vector', [5, 3, 4], [4]],
    ['column and row', [4, 1], [1, 5]],
    ['middle axis', [2, 1, 4], [3, 1]],
    ['rank 5', [2, 1, 3, 1, 2], [1, 2, 1, 4, 1]],
    ['empty', [0, 3], [3]],
  ];
  it.each(binaryShapes)('binary ops with %s', async (_name, as, bs) => {
    await expectParity(() => {
      const a = rnd(as, 11);
      const b = tf.add(tf.abs(rnd(bs, 12)), 0.5);
      return [tf.add(a, b), tf.sub(a, b), tf.mul(a, b), tf.div(a, b), tf.maximum(a, b), tf.minimum(a, b), tf.squaredDifference(a, b), tf.pow(tf.abs(a), b), tf.floorDiv(a, b), tf.prelu(a, b)];
    });
  });

  it('maximum, minimum and relu propagate NaN; int32 operands use the cpu kernels', async () => {
    await expectParity(() => {
      const a = tf.tensor1d([1, NaN, -2, 3]);
      const b = tf.tensor1d([NaN, 0, -1, 5]);
      return [tf.maximum(a, b), tf.minimum(a, b), tf.relu(a), tf.step(a, 0.3), tf.add(tf.tensor1d([1, 2], 'int32'), tf.tensor1d([3, 4], 'int32'))];
    });
  });

  it('int32 arithmetic, comparisons and logic with broadcasting, into int32 and bool', async () => {
    await expectParity(() => {
      const ai = tf.tensor2d([[1, -2, 3], [2147483647, 0, -7]], undefined, 'int32');
      const bi = tf.tensor1d([1, 5, -7], 'int32');
      const af = tf.tensor2d([[1, NaN, 3], [0.5, 0, -7]]);
      const bf = tf.tensor2d([[1], [0]]);
      const cmp = (a: tf.Tensor, b: tf.Tensor) => [tf.equal(a, b), tf.notEqual(a, b), tf.less(a, b), tf.lessEqual(a, b), tf.greater(a, b), tf.greaterEqual(a, b)];
      const p = tf.greater(af, 0);
      const q = tf.tensor1d([true, false, true], 'bool');
      return [tf.add(ai, bi), tf.sub(ai, bi), tf.maximum(ai, bi), tf.minimum(ai, bi), ...cmp(ai, bi), ...cmp(af, bf), tf.logicalAnd(p, q), tf.logicalOr(p, q)];
    });
  });

  it('casts int32 and bool to real float32 data, and back', async () => {
    await expectParity(() => {
      const i = tf.tensor1d([3, -1, 0, 7], 'int32');
      const b = tf.greater(i, 0);
      return [tf.cast(i, 'float32'), tf.cast(b, 'float32'), tf.mul(tf.cast(i, 'float32'), 0.5), tf.cast(tf.tensor1d([1.7, -2.2]), 'int32'), tf.cast(i, 'bool')];
    });
  });

  it('topk: largest first, equal values in index order; unsorted goes to the cpu kernel', async () => {
    await expectParity(() => {
      const x = tf.concat([rnd([5, 30], 90), tf.tensor2d([[2, 7, 7, 1, 7, 0, ...Array(24).fill(-1)]])], 0);
      const small = tf.topk(x, 3);
      const large = tf.topk(x, 20);
      const unsorted = tf.topk(x, 4, false);
      return [small.values, small.indices, large.values, large.indices, unsorted.values, unsorted.indices];
    });
  });

  it('sums and means over scattered axes (a broadcast gradient) in one pass, with kept dims', async () => {
    await expectParity(() => {
      const x = rnd([3, 4, 5, 6], 92);
      return [tf.sum(x, [0, 2]), tf.mean(x, [0, 2], true), tf.sum(x, [1, 3]), tf.mean(x, [0, 3]), tf.max(x, [0, 2]), tf.sum(rnd([2, 0, 3], 93), [0, 2])];
    });
  });

  it('int32 and bool reductions over any contiguous axes', async () => {
    await expectParity(() => {
      const i = tf.cast(tf.mul(rnd([3, 4, 5], 91), 10), 'int32');
      const oneHot = tf.oneHot(tf.tensor2d([[1, 3], [0, 1]], undefined, 'int32'), 4);
      return [tf.sum(i, 1), tf.max(i, [1, 2]), tf.min(i, 0, true), tf.prod(tf.clipByValue(i, -2, 2), 2), tf.sum(oneHot, 1), tf.sum(tf.greater(i, 0), 2), tf.sum(i, [0, 2])];
    });
  });

  it('every native unary op agrees on negative, zero, positive and NaN inputs', async () => {
    const values = [-3.5, -1, -0.25, 0, 0.25, 1, 2.5, 40, NaN];
    await expectParity(() => {
      const x = tf.tensor1d(values);
      const pos = tf.tensor1d(values.map((v) => Math.abs(v) + 0.1));
      return [
        tf.neg(x), tf.abs(x), tf.square(x), tf.sqrt(pos), tf.rsqrt(pos), tf.exp(x), tf.log(pos), tf.relu(x), tf.relu6(x), tf.sigmoid(x), tf.tanh(x),
        tf.step(x, 0.2), tf.reciprocal(pos), tf.elu(x), tf.leakyRelu(x, 0.3), tf.erf(x), tf.sign(x), tf.log1p(pos), tf.expm1(x), tf.softplus(x),
        tf.clipByValue(x, -1, 2), tf.floor(x), tf.ceil(x), tf.sin(x), tf.cos(x), tf.selu(x),
      ];
    }, 2e-6);
  });

  it.each([
    [[3, 4, 5], 0], [[3, 4, 5], 1], [[3, 4, 5], 2], [[3, 4, 5], -1], [[3, 4, 5], [0, 1]], [[3, 4, 5], [1, 2]], [[3, 4, 5], [0, 2]], [[3, 4, 5], null], [[7], 0], [[0, 3], 0],
  ] as [number[], number | number[] | null][])('reductions of %j over axis %j', async (shape, axis) => {
    await expectParity(() => {
      const x = rnd(shape, 13);
      const ax = axis ?? undefined;
      const out = [tf.sum(x, ax), tf.sum(x, ax, true), tf.mean(x, ax), tf.max(x, ax), tf.min(x, ax, true), tf.prod(tf.add(tf.mul(x, 0.1), 1), ax)];
      if (typeof axis === 'number' && shape[axis < 0 ? shape.length + axis : axis] > 0) out.push(tf.argMax(x, axis), tf.argMin(x, axis));
      return out;
    });
  });

  it('max finds NaN; argMax keeps the first of equal values', async () => {
    await expectParity(() => [tf.max(tf.tensor2d([[1, NaN, 3], [4, 5, 6]]), 1), tf.argMax(tf.tensor2d([[2, 7, 7], [1, 1, 0]]), 1)]);
  });

  it('softmax and logSoftmax over the last axis, with large logits', async () => {
    await expectParity(() => {
      const x = tf.concat([rnd([4, 6], 14), tf.fill([1, 6], 80)], 0);
      return [tf.softmax(x), tf.logSoftmax(x), tf.softmax(rnd([2, 3, 5], 15))];
    });
  });

  it.each([[[4, 5], [1, 0]], [[2, 3, 4], [2, 0, 1]], [[2, 3, 4], [0, 2, 1]], [[2, 3, 4, 5], [3, 1, 0, 2]], [[3, 4], [0, 1]]] as [number[], number[]][])(
    'transpose %j by %j, float and int32',
    async (shape, perm) => {
      await expectParity(() => [tf.transpose(rnd(shape, 16), perm), tf.transpose(tf.cast(tf.mul(rnd(shape, 17), 10), 'int32'), perm)]);
    },
  );

  it('gather along any axis, float and int32, and its gradient (a segment sum)', async () => {
    await expectParity(() => {
      const x = rnd([5, 3, 4], 18);
      const idx = tf.tensor1d([4, 0, 4, 2], 'int32');
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, idx), rnd([4, 3, 4], 19))))(x);
      return [tf.gather(x, idx), tf.gather(x, tf.tensor2d([[1, 0], [2, 2]], undefined, 'int32'), 1), tf.gather(tf.cast(tf.mul(x, 10), 'int32'), tf.tensor1d([3, 0, 3], 'int32'), 2), g];
    });
  });

  it('slice, split, pad and tile, float and int32, contiguous or not, and their gradients', async () => {
    await expectParity(() => {
      const x = rnd([3, 4, 5, 2], 93);
      const i = tf.cast(tf.mul(x, 10), 'int32');
      const pieces = tf.split(x, [1, 3, 1], 2);
      const f = (t: tf.Tensor) => tf.sum(tf.mul(tf.tile(tf.pad(tf.slice(t, [1, 0, 2, 0], [2, 4, 3, 1]), [[0, 1], [2, 0], [0, 0], [1, 1]], 0.5), [2, 1, 1, 3]), 1.5)) as tf.Scalar;
      return [
        tf.slice(x, [1, 0, 0, 0], [2, 4, 5, 2]), tf.slice(x, [0, 1, 2, 1], [3, 2, 3, 1]), tf.slice(i, [0, 1, 0, 0], [3, 2, 5, 2]),
        ...pieces, ...tf.split(i, 2, 0 === 0 ? 3 : 0), ...tf.split(x, 3, 0),
        tf.pad(x, [[1, 0], [0, 2], [1, 1], [0, 0]], -2), tf.pad(i, [[0, 1], [0, 0], [0, 0], [2, 0]]),
        tf.tile(x, [1, 2, 1, 3]), tf.tile(i, [2, 1, 2, 1]), tf.tile(tf.tensor1d([1, 2, 3]), [4]),
        tf.grad(f)(x),
      ];
    });
  });

  it('gather names an index out of range', async () => {
    await tf.setBackend(NATIVE_BACKEND);
    expect(() => tf.gather(rnd([3, 2], 20), tf.tensor1d([0, 3], 'int32'))).toThrow(/index value 3 is not in \[0, 2\]/);
  });

  it('unsortedSegmentSum drops negative ids', async () => {
    await expectParity(() => [tf.unsortedSegmentSum(rnd([6, 3], 21), tf.tensor1d([2, 0, -1, 2, 1, 0], 'int32'), 4), tf.unsortedSegmentSum(rnd([4], 22), tf.tensor1d([1, 1, 0, 3], 'int32'), 5)]);
  });

  it('grouped linear layers (kernel on native, split and matMul on cpu) agree, gradients included', async () => {
    await expectParity(() => {
      const x = rnd([9, 4], 23);
      const w = rnd([3, 4, 5], 24);
      const b = rnd([3, 5], 25);
      const sizes = [4, 0, 5];
      const f = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.square(groupedLinear(xx as tf.Tensor2D, ww as tf.Tensor3D, bb as tf.Tensor2D, sizes))) as tf.Scalar;
      return [groupedLinear(x as tf.Tensor2D, w as tf.Tensor3D, b as tf.Tensor2D, sizes), ...tf.grads(f)([x, w, b])];
    });
  });
});

/**
 * The same kernels at sizes where the addon shares the work between two threads (products
 * above a million multiply-adds, element-wise loops above 2^14 values per thread, rows and
 * columns of reductions, batches of small products): the parts must join up exactly.
 */
describe.skipIf(!built)('native kernels split across two threads match the cpu backend', () => {
  beforeAll(() => {
    registerNativeBackend();
    setNativeThreads(2);
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each([
    ['split by rows', [300, 200], [200, 100], false, false],
    ['split by rows, a transposed', [200, 300], [200, 100], true, false],
    ['split by columns, b transposed', [100, 200], [300, 200], false, true],
    ['many small products (attention heads)', [600, 17, 16], [600, 16, 17], false, false],
    ['many small products, b transposed (q·kᵀ)', [600, 17, 16], [600, 17, 16], false, true],
    ['many small products, a transposed (wᵀ·dy)', [600, 17, 17], [600, 17, 16], true, false],
    ['small products at the size limit (64) and past it (65)', [2, 64, 65], [2, 65, 64], false, false],
    ['split along k (a weight gradient over a batch)', [2000, 64], [2000, 48], true, false],
  ] as const)('matMul %s', async (_name, as, bs, ta, tb) => {
    // Long sums (k = 2000) add in BLAS's order, not the cpu backend's: 5e-4 relative.
    await expectParity(() => tf.matMul(rnd([...as], 60), rnd([...bs], 61), ta, tb), 5e-4);
  });

  it('a fused product with bias and relu, and its gradient', async () => {
    await expectParity(() => {
      const f = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, bias: b, activation: 'relu' });
      const [a, w, b] = [rnd([400, 200], 62), rnd([200, 100], 63), rnd([100], 64)];
      return [f(a, w, b), ...tf.grads((x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) => tf.sum(tf.square(f(x, y, z))) as tf.Scalar)([a, w, b])];
    }, 5e-4); // weight gradients sum 400 rows, in BLAS's order rather than the cpu backend's (one thread gives the same error)
  });

  it('element-wise ops: flat, a row broadcast over a matrix, and unary maps', async () => {
    await expectParity(() => {
      const [x, y, row] = [rnd([70000], 65), rnd([70000], 66), rnd([200], 67)];
      return [tf.add(x, y), tf.div(x, tf.add(tf.abs(y), 1)), tf.mul(rnd([300, 200], 68), row), tf.exp(x), tf.relu(y)];
    });
  });

  it('reductions over rows, over the batch axis and over a middle axis; softmax; transpose', async () => {
    await expectParity(() => {
      const x = rnd([2000, 40], 69);
      return [tf.sum(x, 1), tf.sum(x, 0), tf.max(x, 1), tf.mean(rnd([30, 1000, 20], 70), 1), tf.softmax(x), tf.transpose(rnd([300, 200], 71))];
    });
  });

  it('LayerNorm with γ and β, GELU, and their gradients', async () => {
    await expectParity(() => {
      const [x, gamma, beta, r] = [rnd([2000, 32], 72), rnd([32], 73), rnd([32], 74), rnd([2000, 32], 75)];
      const ln = (t: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(layerNorm(t, 1e-5, g, b), r)) as tf.Scalar;
      const z = tf.mul(rnd([70000], 76), 3);
      return [layerNorm(x, 1e-5, gamma, beta), ...tf.grads(ln)([x, gamma, beta]), gelu(z), tf.grad((t: tf.Tensor) => tf.sum(gelu(t)))(z)];
    }, 2e-4);
  });

  it('the modulated linear kernel (ModLin) and its gradients', async () => {
    await expectParity(() => {
      const [x, m, w, b] = [rnd([8, 4, 17, 64], 77), rnd([4, 64], 78), rnd([64, 48], 79), rnd([48], 80)];
      const r = rnd([8, 4, 17, 48], 81);
      const f = (...t: tf.Tensor[]) => tf.sum(tf.mul(modulatedLinear(t[0], t[1], t[2], t[3]), r)) as tf.Scalar;
      return [modulatedLinear(x, m, w, b), ...tf.grads(f)([x, m, w, b])];
    }, 2e-4);
  });

  it('grouped expert products with their gradients', async () => {
    await expectParity(() => {
      const [x, w, b] = [rnd([600, 64], 82), rnd([4, 64, 96], 83), rnd([4, 96], 84)];
      const sizes = [200, 0, 150, 250];
      const f = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.square(groupedLinear(xx as tf.Tensor2D, ww as tf.Tensor3D, bb as tf.Tensor2D, sizes))) as tf.Scalar;
      return [groupedLinear(x as tf.Tensor2D, w as tf.Tensor3D, b as tf.Tensor2D, sizes), ...tf.grads(f)([x, w, b])];
    }, 5e-4); // as above: sums over hundreds of rows in BLAS's order
  });

  it('gives the same values on every run (the work is cut the same way whichever thread is free)', async () => {
    await tf.setBackend(NATIVE_BACKEND);
    const run = () => tf.tidy(() => Array.from(tf.sum(tf.matMul(rnd([300, 200], 85), rnd([200, 100], 86)), 0).dataSync()));
    const first = run();
    for (let i = 0; i < 5; i++) expect(run()).toEqual(first);
  });
});

/** Values of `shape` where a share `density` is nonzero (uniform in [0, 1), as pixels are), from a fixed seed. */
function mostlyZeros(shape: number[], density: number, seed: number): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.randomUniform(shape, 0, 1, 'float32', seed), tf.cast(tf.less(tf.randomUniform(shape, 0, 1, 'float32', seed + 1), density), 'float32')));
}

/** Sparse products taken while `f` runs on native (every tensor it returns is read). */
async function sparseCount(f: () => tf.Tensor | tf.Tensor[]): Promise<number> {
  await tf.setBackend(NATIVE_BACKEND);
  const before = nativeSparseProductCount()!;
  tf.tidy(() => [f()].flat().forEach((t) => t.dataSync()));
  return nativeSparseProductCount()! - before;
}

describe.skipIf(!built)('products whose left operand is mostly zeros (pixels, one-hot codes) multiply only its nonzeros', () => {
  beforeAll(() => {
    registerNativeBackend();
  });
  afterAll(async () => {
    setNativeSparseProducts(true);
    await tf.setBackend('cpu');
  });

  // Sizes off the kernel's blocks: odd rows, columns past the last multiple of 8.
  it.each([
    ['x·W, 10% nonzero', false, 0.1, 1, 1],
    ['xᵀ·dy (a weight gradient), 10% nonzero', true, 0.1, 3, 1],
    ['x·W, 20% nonzero, one thread', false, 0.2, 5, 1],
    ['xᵀ·dy, 20% nonzero, two threads', true, 0.2, 7, 2],
  ] as const)('%s: as on cpu, on the sparse path', async (_name, transposeA, density, seed, threads) => {
    setNativeThreads(threads);
    try {
      const f = () => tf.matMul(mostlyZeros(transposeA ? [301, 131] : [131, 301], density, seed), rnd([301, 45], seed + 2), transposeA, false);
      expect(await sparseCount(f)).toBe(1);
      await expectParity(f);
    } finally {
      setNativeThreads(2);
    }
  });

  it('the Linear kernel and its weight gradient on MNIST-like inputs: as on cpu, forward and weight gradient sparse', async () => {
    const x = () => mostlyZeros([128, 784], 0.19, 31);
    const f = (...t: tf.Tensor[]) => tf.sum(tf.square(linearWithBias(t[0] as tf.Tensor2D, t[1] as tf.Tensor2D, t[2] as tf.Tensor1D))) as tf.Scalar;
    const step = () => {
      const [w, b] = [rnd([784, 64], 32), rnd([64], 33)];
      const [dw] = tf.grads((weight: tf.Tensor) => f(x(), weight, b))([w]);
      return [linearWithBias(x() as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D), dw];
    };
    // The forward inside grads, the weight gradient (xᵀ·dy) and the forward returned.
    expect(await sparseCount(step)).toBe(3);
    await expectParity(step, 5e-4);
  });

  it('rows and whole operands of zeros give zeros; a NaN in the operand still reaches its row', async () => {
    await expectParity(() => {
      const zeros = tf.zeros([64, 200]);
      const values = mostlyZeros([64, 200], 0.05, 41).dataSync().slice();
      values[7 * 200 + 3] = NaN;
      const oneNaN = tf.tensor2d(values, [64, 200]);
      const w = rnd([200, 100], 42);
      return [tf.matMul(zeros, w), tf.matMul(oneNaN, w)];
    });
  });

  it('dense operands, and all operands with sparse products off, stay on BLAS with the same results', async () => {
    const dense = () => tf.matMul(rnd([131, 301], 51), rnd([301, 45], 52));
    expect(await sparseCount(dense)).toBe(0);
    const sparse = () => tf.matMul(mostlyZeros([131, 301], 0.1, 53), rnd([301, 45], 54));
    await tf.setBackend(NATIVE_BACKEND);
    const on = tf.tidy(() => Array.from(sparse().dataSync()));
    expect(setNativeSparseProducts(false)).toBe(true);
    try {
      expect(await sparseCount(sparse)).toBe(0);
      const off = tf.tidy(() => Array.from(sparse().dataSync()));
      expect(worst(on, off)).toBeLessThanOrEqual(1);
    } finally {
      setNativeSparseProducts(true);
    }
  });
});

describe.skipIf(!built)('shuffled batches of images on native (its threaded row gather)', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('hold the same rows, in the same order, as on cpu, float and int32, the last batch partial', async () => {
    registerNativeBackend();
    const count = 301;
    const width = 100;
    const splits: [DataSplit, DatasetSpec][] = (['float32', 'int32'] as const).map((dtype) => {
      const x = dtype === 'float32' ? new Float32Array(count * width).map((_, i) => i + 0.5) : new Int32Array(count * width).map((_, i) => i);
      return [{ x, y: new Int32Array(count).map((_, i) => i), count }, { name: 'rows', task: 'classification', x: { shape: ['B', 10, 10], dtype }, y: { shape: ['B'], dtype: 'int32' }, numClasses: count }];
    });
    const batchesOn = async (backend: string, [split, spec]: [DataSplit, DatasetSpec]) => {
      await tf.setBackend(backend);
      return [...batchIterator(split, spec, 64, { shuffle: true, seed: 5, epoch: 2 })].map((b) => {
        const rows = { x: Array.from(b.x.dataSync()), y: Array.from(b.y.dataSync()), shape: b.x.shape };
        tf.dispose([b.x, b.y]);
        return rows;
      });
    };
    for (const split of splits) {
      const native = await batchesOn(NATIVE_BACKEND, split);
      expect(native.map((b) => b.shape[0])).toEqual([64, 64, 64, 64, 45]);
      // Row j of a batch is example y[j]: its features are that example's row of the split.
      for (const b of native) b.y.forEach((id, j) => expect(b.x.slice(j * width, (j + 1) * width)).toEqual(Array.from(split[0].x.subarray(id * width, (id + 1) * width))));
      expect(native).toEqual(await batchesOn('cpu', split));
    }
  });
});

describe.skipIf(!built)('the native array pool never changes data someone can still see', () => {
  beforeAll(async () => {
    registerNativeBackend();
    await tf.setBackend(NATIVE_BACKEND);
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('keeps values read by dataSync and data after their tensor is disposed and its array reused', async () => {
    const a = tf.add(rnd([64, 64], 26), 1);
    const sync = a.dataSync();
    const asyncRead = await a.data();
    const expected = Array.from(sync);
    a.dispose();
    for (let i = 0; i < 5; i++) tf.dispose(tf.mul(rnd([64, 64], 27 + i), 0));
    expect(Array.from(sync)).toEqual(expected);
    expect(Array.from(asyncRead)).toEqual(expected);
  });

  it('keeps a contiguous slice (a view of its source) intact after the source is disposed', () => {
    const big = tf.add(rnd([10, 100], 32), 0);
    const slice = tf.slice(big, [2, 0], [3, 100]);
    const expected = Array.from(slice.dataSync());
    big.dispose();
    for (let i = 0; i < 5; i++) tf.dispose(tf.mul(rnd([10, 100], 33 + i), 2));
    expect(Array.from(slice.dataSync())).toEqual(expected);
  });
});

describe.skipIf(!built)('fused optimizer arithmetic on native', () => {
  beforeAll(() => {
    registerNativeBackend();
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  const cases = [
    { type: 'adam' as const, learningRate: 0.01 },
    { type: 'adam' as const, learningRate: 0.02, weightDecay: 0.1, beta1: 0.8, eps: 1e-6 },
    { type: 'adamw' as const, learningRate: 0.01, weightDecay: 0.05 },
  ];

  // The last case is big enough (600,000 values) to be updated by two threads.
  const shapes: [(typeof cases)[number], [number, number]][] = [...cases.map((c) => [c, [40, 7]] as [(typeof cases)[number], [number, number]]), [cases[2], [1000, 600]]];
  it.each(shapes)('Adam in one pass follows the optimizer (%o) over five steps, shape %j', async (config, shape) => {
    const steps = 5;
    const init = Array.from(rnd(shape, 40).dataSync());
    const grads = Array.from({ length: steps }, (_, i) => Array.from(rnd(shape, 41 + i).dataSync()));
    // Reference: the optimizer's tensor ops on cpu.
    await tf.setBackend('cpu');
    const ref = tf.variable(tf.tensor2d(init, shape));
    const opt = createOptimizer(config);
    for (const g of grads) tf.tidy(() => opt.applyGradients(new Map([['w', ref]]), { w: tf.tensor2d(g, shape) }));
    const expected = Array.from(ref.dataSync());
    // Fused, with a clone of the weights taken midway that must keep its values.
    await tf.setBackend(NATIVE_BACKEND);
    const w = tf.variable(tf.tensor2d(init, shape));
    const m = tf.variable(tf.zeros(shape), false);
    const v = tf.variable(tf.zeros(shape), false);
    let kept: { clone: tf.Tensor; values: number[] } | null = null;
    grads.forEach((g, i) => {
      if (i === 3) kept = { clone: tf.clone(w), values: Array.from(w.dataSync()) };
      const hyper = { learningRate: config.learningRate, beta1: config.beta1 ?? 0.9, beta2: 0.999, eps: config.eps ?? 1e-8, weightDecay: config.weightDecay ?? 0, decoupled: config.type === 'adamw', step: i + 1 };
      expect(tf.tidy(() => fusedAdamUpdate(w, tf.tensor2d(g, shape), m, v, hyper))).toBe(true);
    });
    expect(worst(w.dataSync(), expected, 1e-6)).toBeLessThanOrEqual(1);
    expect(Array.from(kept!.clone.dataSync())).toEqual(kept!.values);
  });

  it('declines on another backend, changing nothing', async () => {
    await tf.setBackend('cpu');
    const w = tf.variable(tf.ones([3]));
    const hyper = { learningRate: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, step: 1 };
    expect(fusedAdamUpdate(w, tf.ones([3]), tf.variable(tf.zeros([3])), tf.variable(tf.zeros([3])), hyper)).toBe(false);
    expect(Array.from(w.dataSync())).toEqual([1, 1, 1]);
    expect(fusedGlobalNorm([tf.ones([3])])).toBeNull();
  });

  it('gives the global gradient norm, NaN or ∞ when an entry is, and no overflow near float32 max', async () => {
    await tf.setBackend(NATIVE_BACKEND);
    const a = rnd([30, 3], 50);
    const b = rnd([7], 51);
    const expected = Math.sqrt([...a.dataSync(), ...b.dataSync()].reduce((s, x) => s + x * x, 0));
    expect(fusedGlobalNorm([a, b])).toBeCloseTo(expected, 5);
    expect(fusedGlobalNorm([a, tf.tensor1d([1, NaN])])).toBeNaN();
    expect(fusedGlobalNorm([tf.tensor1d([Infinity])])).toBe(Infinity);
    expect(fusedGlobalNorm([tf.tensor1d([3e38, 3e38])])).toBeCloseTo(Math.SQRT2 * 3e38, -33);
    // Big enough (600,000 values) to be summed by two threads; a NaN in the upper half still shows.
    const big = rnd([1000, 600], 52);
    const bigNorm = Math.sqrt(Array.from(big.dataSync()).reduce((s, x) => s + x * x, 0));
    expect(fusedGlobalNorm([big])! / bigNorm).toBeCloseTo(1, 6);
    const values = big.dataSync().slice();
    values[599_999] = NaN;
    expect(fusedGlobalNorm([tf.tensor1d(values)])).toBeNaN();
  });
});

interface KindCase {
  params?: Record<string, unknown>;
  inputs: () => Record<string, tf.Tensor>;
  training?: boolean;
}

const one = (shape: number[], seed: number) => () => ({ in: rnd(shape, seed) });
const KIND_CASES: Record<string, KindCase> = {
  Input: { inputs: () => ({ x: rnd([3, 2], 60), y: tf.tensor1d([0, 1, 1], 'int32') }) },
  Linear: { params: { units: 3 }, inputs: one([2, 5], 61) },
  Dropout: { params: { rate: 0.4 }, inputs: one([4, 8], 62), training: true },
  LayerNorm: { inputs: one([2, 3, 6], 63) },
  Embedding: { params: { vocab: 9, dim: 4 }, inputs: () => ({ in: tf.tensor2d([[0, 8, 3], [3, 1, 0]], undefined, 'int32') }) },
  ReLU: { inputs: one([2, 5], 64) },
  GELU: { inputs: one([2, 5], 65) },
  Tanh: { inputs: one([2, 5], 66) },
  Sigmoid: { inputs: one([2, 5], 67) },
  Softmax: { params: { axis: 1 }, inputs: one([2, 3, 4], 68) },
  Add: { inputs: () => ({ a: rnd([2, 3, 4], 69), b: rnd([4], 70) }) },
  Concat: { params: { axis: 1 }, inputs: () => ({ a: rnd([2, 1, 4], 71), b: rnd([2, 2, 4], 72), c: rnd([2, 3, 4], 73) }) },
  Flatten: { inputs: one([2, 3, 4], 74) },
  Patchify: { params: { patch: 2 }, inputs: one([2, 4, 6, 3], 75) },
  ClsToken: { inputs: one([2, 3, 4], 76) },
  SelectToken: { params: { index: -1 }, inputs: one([2, 3, 4], 77) },
  MeanPool: { inputs: one([2, 3, 4], 78) },
  MoE: { params: { experts: 4, topK: 2, hidden: 5, units: 3, balanceWeight: 0.5, activation: 'gelu' }, inputs: one([3, 4, 6], 79) },
  MoA: { params: { experts: 3, topK: 2, heads: 2, headDim: 3, balanceWeight: 0.5 }, inputs: one([2, 5, 6], 80) },
  ModAttn: { params: { heads: 2, keyDim: 3, codeDim: 4 }, inputs: one([2, 5, 8], 81) },
  Script: {
    params: { functions: 3, typeDim: 3, codeDim: 4, loc: 2, iterations: 2, heads: 2, hidden: 6, keyDim: 3, truncation: 1.2 },
    inputs: one([2, 5, 8], 82),
  },
  CrossEntropy: { inputs: () => ({ logits: rnd([4, 3], 83), labels: tf.tensor1d([0, 2, 1, 2], 'int32') }) },
  MSE: { inputs: () => ({ pred: rnd([3, 2], 84), target: rnd([3, 2], 85) }) },
  KLDiv: { inputs: () => ({ p: tf.softmax(rnd([3, 4], 86)), q: rnd([3, 4], 87) }) },
};

/** Outputs, aux losses, metrics and d(Σ out² + aux)/d(float inputs and variables), as tensors. */
function runKindCase(kind: NodeKind<any>, c: KindCase): tf.Tensor[] {
  const inputs = c.inputs();
  const { params } = resolveParams(kind.params, c.params ?? {});
  const types = Object.fromEntries(Object.entries(inputs).map(([k, t]) => [k, typeOf(t)]));
  const specs = kind.variables?.(params, types) ?? [];
  const weights = Object.fromEntries(specs.map((s, i) => [s.name, initialValue(s.shape, s.init, 100 + i)]));
  const run = (ins: Record<string, tf.Tensor>, ws: Record<string, tf.Tensor>) => runKind(kind, c.params ?? {}, ins, { weights: ws, training: c.training ?? false, seed: 5 });
  const first = run(inputs, weights);
  const floatInputs = Object.keys(inputs).filter((k) => inputs[k].dtype === 'float32');
  const names = Object.keys(weights);
  const objective = (...xs: tf.Tensor[]) => {
    const ins = { ...inputs, ...Object.fromEntries(floatInputs.map((k, i) => [k, xs[i]])) };
    const ws = Object.fromEntries(names.map((k, i) => [k, xs[floatInputs.length + i]]));
    const r = run(ins, ws);
    const terms = [...Object.values(r.outputs).filter((t) => t.dtype === 'float32').map((t) => tf.sum(tf.square(t))), ...Object.values(r.auxLosses)];
    return tf.addN(terms) as tf.Scalar;
  };
  const differentiable = [...floatInputs.map((k) => inputs[k]), ...names.map((k) => weights[k])];
  const grads = kind.role === 'loss' || names.length + floatInputs.length === 0 || kind.type === 'Input' ? [] : tf.grads(objective)(differentiable);
  return [...Object.values(first.outputs), ...Object.values(first.auxLosses), ...Object.values(first.metrics), ...Object.values(first.records), ...grads];
}

describe.skipIf(!built)('every node kind on native: forward and gradients as on cpu', () => {
  beforeAll(() => {
    registerNativeBackend();
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('has a case for every kind', () => {
    expect(allKinds.map((k) => k.type).filter((t) => !KIND_CASES[t])).toEqual([]);
  });

  it.each(Object.keys(KIND_CASES))('%s', async (type) => {
    const kind = allKinds.find((k) => k.type === type)!;
    await expectParity(() => runKindCase(kind, KIND_CASES[type]));
  });

  it('MoE with ReLU experts runs as one native kernel, with every gradient (input included) as on cpu', async () => {
    const kind = allKinds.find((k) => k.type === 'MoE')!;
    const relu: KindCase = { params: { experts: 5, topK: 2, hidden: 7, units: 3, balanceWeight: 0.2 }, inputs: one([4, 3, 6], 92) };
    await expectParity(() => runKindCase(kind, relu));
    await tf.setBackend(NATIVE_BACKEND);
    const profile = await tf.profile(() => tf.tidy(() => runKindCase(kind, relu)));
    expect(profile.kernelNames).toContain('TensorloomMoEExperts');
    expect(profile.kernelNames).not.toContain('TensorloomGroupedMatMul');
  });

  it('MoE on mostly-zero inputs (pixels): its expert products skip the zeros, every gradient as on cpu', async () => {
    const kind = allKinds.find((k) => k.type === 'MoE')!;
    // Two experts, both chosen by every row: 96 rows × 300 × 64 per expert, above the sparse kernel's size floor.
    const pixels: KindCase = { params: { experts: 2, topK: 2, hidden: 64, units: 3, balanceWeight: 0 }, inputs: () => ({ in: mostlyZeros([96, 300], 0.15, 93) }) };
    await expectParity(() => runKindCase(kind, pixels), 5e-4);
    // Forward and weight gradient of both experts' first layer.
    expect(await sparseCount(() => runKindCase(kind, pixels))).toBeGreaterThanOrEqual(4);
  });

  it('loss kinds: gradients of the loss as on cpu', async () => {
    for (const type of ['CrossEntropy', 'MSE', 'KLDiv']) {
      const kind = allKinds.find((k) => k.type === type)!;
      const c = KIND_CASES[type];
      await expectParity(() => {
        const inputs = c.inputs();
        const floats = Object.keys(inputs).filter((k) => inputs[k].dtype === 'float32');
        return tf.grads((...xs: tf.Tensor[]) => runKind(kind, {}, { ...inputs, ...Object.fromEntries(floats.map((k, i) => [k, xs[i]])) }).outputs.loss as tf.Scalar)(floats.map((k) => inputs[k]));
      });
    }
  });
});

describe.skipIf(!built)('training on native', () => {
  type Step = Extract<TrainEvent, { event: 'step' }>;
  async function train(graph: Graph, backend: 'native' | 'cpu', extra: Partial<Parameters<typeof trainGraph>[1]> = {}) {
    const events: TrainEvent[] = [];
    await trainGraph(graph, { backend, onEvent: (e) => events.push(e), ...extra });
    return { events, losses: events.filter((e): e is Step => e.event === 'step').map((s) => s.loss) };
  }
  const small = (epochs: number, seed = 3) =>
    spiralsGraph({
      dataset: { name: 'spirals', params: { samples: 400, noise: 0.1 } },
      training: { optimizer: { type: 'adam', learningRate: 0.01 }, batchSize: 32, epochs, seed },
    });
  const moeGraph = (): Graph => ({
    ...small(1),
    nodes: [
      { id: 'in', type: 'Input' },
      { id: 'moe', type: 'MoE', params: { experts: 4, topK: 2, hidden: 16, units: 2, balanceWeight: 0.01 } },
      { id: 'loss', type: 'CrossEntropy' },
    ],
    edges: [
      { source: 'in', sourcePort: 'x', target: 'moe' },
      { source: 'moe', target: 'loss', targetPort: 'logits' },
      { source: 'in', sourcePort: 'y', target: 'loss', targetPort: 'labels' },
    ],
  });

  beforeAll(async () => {
    await initBackend('native');
  });
  afterAll(async () => {
    await initBackend('cpu');
  });

  it('gives the same loss curve for the same seed, another for another seed, close to cpu', async () => {
    const a = await train(small(2), 'native');
    const b = await train(small(2), 'native');
    const c = await train(small(2, 4), 'native');
    expect(a.events[0]).toMatchObject({ event: 'start', backend: 'native' });
    expect(a.losses.length).toBeGreaterThan(10);
    expect(b.losses).toEqual(a.losses);
    expect(c.losses).not.toEqual(a.losses);
    const cpu = await train(small(2), 'cpu');
    expect(worst(a.losses, cpu.losses, 1e-3)).toBeLessThanOrEqual(1);
  });

  it('trains a sparse MoE deterministically, near the cpu curve', async () => {
    const a = await train(moeGraph(), 'native');
    const b = await train(moeGraph(), 'native');
    expect(b.losses).toEqual(a.losses);
    const cpu = await train(moeGraph(), 'cpu');
    expect(worst(a.losses, cpu.losses, 1e-3)).toBeLessThanOrEqual(1);
  });

  it('stops on a NaN loss at step 1, naming the node where it appears', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tl-native-nan-'));
    const rows = ['a,b,c,d,e,f,label', ...Array.from({ length: 40 }, (_, i) => `${Array(6).fill(i % 2 ? 3e38 : 1).join(',')},${i % 2}`)];
    writeFileSync(join(dir, 'huge.csv'), rows.join('\n'));
    const g = small(1);
    g.dataset = { name: 'csv', params: { path: 'huge.csv', label: 'label' } };
    g.nodes.find((n) => n.id === 'h1')!.params = { units: 64 };
    const { events } = await train(g, 'native', { baseDir: dir });
    expect(events.find((e) => e.event === 'done')).toBeUndefined();
    expect(events.find((e) => e.event === 'error')).toMatchObject({ code: 'nan', step: 1, nodeId: 'h1' });
  });
});
