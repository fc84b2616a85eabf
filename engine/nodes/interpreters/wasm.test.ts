import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../tf.js';
import { runKind } from '../../../test/helpers/kinds.js';
import type { NodeKind } from '../kind.js';
import { ModAttn } from './modAttn.js';
import { Script } from './script.js';

// Forward and one gradient on the wasm backend (which lacks some gradients, see STACK-NOTES),
// compared with the cpu backend on the same weights.
const cases: { name: string; kind: NodeKind<any>; params: Record<string, number> }[] = [
  { name: 'ModAttn', kind: ModAttn, params: { heads: 2, keyDim: 3, codeDim: 4 } },
  {
    name: 'Script',
    kind: Script,
    params: { functions: 3, typeDim: 3, codeDim: 4, loc: 2, iterations: 2, heads: 2, hidden: 6, keyDim: 3, truncation: 1.2 },
  },
];

function forwardAndGradient(kind: NodeKind<any>, params: Record<string, number>, x: number[][][], weights: Record<string, number[]>) {
  const xt = tf.tensor(x);
  const vars = Object.fromEntries(Object.entries(weights).map(([n, v]) => [n, tf.variable(tf.tensor(v))]));
  const names = Object.keys(vars);
  const run = () => runKind(kind, params, { in: xt }, { vars });
  const { grads } = tf.variableGrads(() => tf.sum(tf.square(run().outputs.out)) as tf.Scalar, Object.values(vars));
  const result = {
    out: Array.from(run().outputs.out.dataSync()),
    grads: Object.fromEntries(names.map((n) => [n, Array.from(grads[vars[n].name].dataSync())])),
  };
  tf.dispose([xt, ...Object.values(vars), ...Object.values(grads)]);
  return result;
}

describe('Neural Interpreters kinds on the wasm backend', () => {
  beforeAll(async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each(cases)('$name: forward and gradients run and agree with cpu', async ({ kind, params }) => {
    await tf.setBackend('cpu');
    const x = tf.randomNormal([2, 5, 8], 0, 1, 'float32', 31).arraySync() as number[][][];
    const init = runKind(kind, params, { in: tf.tensor(x) }).vars;
    const weights = Object.fromEntries(Object.entries(init).map(([n, v]) => [n, v.arraySync() as number[]]));
    const onCpu = forwardAndGradient(kind, params, x, weights);
    await tf.setBackend('wasm');
    expect(tf.getBackend()).toBe('wasm');
    const onWasm = forwardAndGradient(kind, params, x, weights);
    const close = (a: number[], b: number[]) => a.every((v, i) => Math.abs(v - b[i]) <= 1e-4 * (1 + Math.abs(b[i])));
    expect(close(onWasm.out, onCpu.out)).toBe(true);
    for (const name of Object.keys(weights)) expect(close(onWasm.grads[name], onCpu.grads[name]), name).toBe(true);
  });
});
