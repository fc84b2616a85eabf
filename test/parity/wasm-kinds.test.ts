import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../engine/tf.js';
import type { NodeKind } from '../../engine/nodes/kind.js';
import { resolveParams } from '../../engine/nodes/params.js';
import { initialValue } from '../../engine/compile/initializers.js';
import { activationKinds } from '../../engine/nodes/activations/index.js';
import { layerKinds } from '../../engine/nodes/layers/index.js';
import { structureKinds } from '../../engine/nodes/structure/index.js';
import { lossKinds } from '../../engine/nodes/losses/index.js';
import { runKind, typeOf } from '../helpers/kinds.js';

/**
 * Every basic kind's forward, and its gradient with respect to its float inputs and
 * its variables, on the wasm backend: a kernel or gradient missing there (as
 * UnsortedSegmentSum, behind gather's gradient, is) shows up as an error here. The
 * values are compared with the cpu backend's.
 */
interface Case {
  params?: Record<string, unknown>;
  inputs: () => Record<string, tf.Tensor>;
  training?: boolean;
}

const randn = (shape: number[], seed: number) => () => tf.randomNormal(shape, 0, 1, 'float32', seed);
const one = (shape: number[], seed: number) => () => ({ in: randn(shape, seed)() });

const CASES: Record<string, Case> = {
  ReLU: { inputs: one([2, 5], 1) },
  GELU: { inputs: one([2, 5], 2) },
  Tanh: { inputs: one([2, 5], 3) },
  Sigmoid: { inputs: one([2, 5], 4) },
  Softmax: { params: { axis: 1 }, inputs: one([2, 3, 4], 5) },
  Linear: { params: { units: 3 }, inputs: one([2, 5], 6) },
  Dropout: { params: { rate: 0.4 }, inputs: one([4, 8], 7), training: true },
  LayerNorm: { inputs: one([2, 3, 6], 8) },
  Embedding: { params: { vocab: 9, dim: 4 }, inputs: () => ({ in: tf.tensor2d([[0, 8, 3], [3, 1, 0]], undefined, 'int32') }) },
  Add: { inputs: () => ({ a: randn([2, 3, 4], 9)(), b: randn([4], 10)() }) },
  Concat: { params: { axis: 1 }, inputs: () => ({ a: randn([2, 1, 4], 11)(), b: randn([2, 2, 4], 12)(), c: randn([2, 3, 4], 13)() }) },
  Flatten: { inputs: one([2, 3, 4], 14) },
  Patchify: { params: { patch: 2 }, inputs: one([2, 4, 6, 3], 15) },
  ClsToken: { inputs: one([2, 3, 4], 16) },
  SelectToken: { params: { index: -1 }, inputs: one([2, 3, 4], 17) },
  MeanPool: { inputs: one([2, 3, 4], 18) },
  MSE: { inputs: () => ({ pred: randn([3, 2], 19)(), target: randn([3, 2], 20)() }) },
  KLDiv: { inputs: () => ({ p: tf.softmax(randn([3, 4], 21)()), q: randn([3, 4], 22)() }) },
  CrossEntropy: { inputs: () => ({ logits: randn([4, 3], 23)(), labels: tf.tensor1d([0, 2, 1, 2], 'int32') }) },
};

const KINDS: NodeKind<any>[] = [...activationKinds, ...layerKinds, ...structureKinds, ...lossKinds];

interface Result {
  outputs: Record<string, number[]>;
  grads: number[][];
}

/** Forward, then d(Σ out²)/d(float inputs and variables), as plain numbers. */
function runCase(kind: NodeKind<any>, c: Case): Result {
  const inputs = c.inputs();
  const { params } = resolveParams(kind.params, c.params ?? {});
  const types = Object.fromEntries(Object.entries(inputs).map(([k, t]) => [k, typeOf(t)]));
  const specs = kind.variables?.(params, types) ?? [];
  const weights = Object.fromEntries(specs.map((s, i) => [s.name, initialValue(s.shape, s.init, 100 + i)]));
  const run = (ins: Record<string, tf.Tensor>, ws: Record<string, tf.Tensor>) =>
    runKind(kind, c.params ?? {}, ins, { weights: ws, training: c.training ?? false, seed: 5 }).outputs;
  const outputs = Object.fromEntries(Object.entries(run(inputs, weights)).map(([k, t]) => [k, Array.from(t.dataSync())]));
  const floatInputs = Object.keys(inputs).filter((k) => inputs[k].dtype === 'float32');
  const names = Object.keys(weights);
  const objective = (...xs: tf.Tensor[]) => {
    const ins = { ...inputs, ...Object.fromEntries(floatInputs.map((k, i) => [k, xs[i]])) };
    const ws = Object.fromEntries(names.map((k, i) => [k, xs[floatInputs.length + i]]));
    return tf.addN(Object.values(run(ins, ws)).map((t) => tf.sum(tf.square(t)))) as tf.Scalar;
  };
  const grads = tf.grads(objective)([...floatInputs.map((k) => inputs[k]), ...names.map((k) => weights[k])]);
  return { outputs, grads: grads.map((g) => Array.from(g.dataSync())) };
}

function maxDiff(a: number[], b: number[]): number {
  expect(a.length).toBe(b.length);
  return Math.max(0, ...a.map((v, i) => Math.abs(v - b[i]) / Math.max(1, Math.abs(b[i]))));
}

describe('basic kinds on the wasm backend', () => {
  const onCpu: Record<string, Result> = {};

  beforeAll(async () => {
    await tf.setBackend('cpu');
    for (const kind of KINDS) if (CASES[kind.type]) onCpu[kind.type] = runCase(kind, CASES[kind.type]);
    expect(await tf.setBackend('wasm')).toBe(true);
  });

  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('has a case for every kind of the four groups', () => {
    expect(KINDS.map((k) => k.type).filter((t) => !CASES[t])).toEqual([]);
  });

  it.each(Object.keys(CASES))('%s runs forward and backward on wasm, as on cpu', (type) => {
    expect(tf.getBackend()).toBe('wasm');
    const kind = KINDS.find((k) => k.type === type)!;
    const onWasm = runCase(kind, CASES[type]);
    const cpu = onCpu[type];
    for (const [port, values] of Object.entries(cpu.outputs)) {
      expect(values.every(Number.isFinite)).toBe(true);
      expect(maxDiff(onWasm.outputs[port], values)).toBeLessThan(1e-4);
    }
    expect(onWasm.grads.length).toBe(cpu.grads.length);
    expect(onWasm.grads.length).toBeGreaterThan(0);
    onWasm.grads.forEach((g, i) => {
      expect(g.some((v) => v !== 0)).toBe(true);
      expect(maxDiff(g, cpu.grads[i])).toBeLessThan(1e-3);
    });
  });
});
