import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tf } from '../../engine/tf.js';
import type { NodeKind } from '../../engine/nodes/kind.js';
import { defaultParams } from '../../engine/nodes/params.js';
import { ModAttn } from '../../engine/nodes/interpreters/modAttn.js';
import { Script } from '../../engine/nodes/interpreters/script.js';
import { runKind } from '../helpers/kinds.js';
import { runTorch, torchAvailable } from '../helpers/pytorch.js';

// Our ModAttn and Script against an independent PyTorch implementation of the same formulas
// (test/parity/interpreters_reference.py: one function and one head at a time, float64),
// given the SAME weights: our variables, sent over JSON.
const REFERENCE = fileURLToPath(new URL('./interpreters_reference.py', import.meta.url));
const SNIPPET = `import runpy\nresult = runpy.run_path(${JSON.stringify(REFERENCE)})['run'](data)`;

interface TorchResult {
  out: number[][][];
  grads: Record<string, unknown>;
  compatibility?: number[][][];
  margin?: number;
}

/** max |ours − theirs| / (1 + |theirs|): absolute near zero, relative for larger values. */
function maxError(ours: tf.Tensor, theirs: unknown): number {
  const a = ours.dataSync();
  const b = (theirs as number[]).flat(Infinity as 1) as number[];
  expect(b.length).toBe(a.length);
  return b.reduce((m, v, i) => Math.max(m, Math.abs(a[i] - v) / (1 + Math.abs(v))), 0);
}

function compare(kind: NodeKind<any>, params: Record<string, number>, shape: [number, number, number]) {
  const x = tf.randomNormal(shape, 0, 1, 'float32', 11);
  const r = tf.randomNormal(shape, 0, 1, 'float32', 12);
  const run = runKind(kind, params, { in: x });
  const weights = Object.fromEntries(Object.entries(run.vars).map(([k, v]) => [k, v.arraySync()]));
  const resolvedKeyDim = params.keyDim || shape[2] / params.heads;
  const theirs = runTorch<TorchResult>(SNIPPET, {
    kind: kind.type,
    params: { ...defaultParams(kind.params), ...params, keyDim: resolvedKeyDim },
    weights,
    x: x.arraySync(),
    r: r.arraySync(),
  });
  const names = Object.keys(run.vars);
  const grads = tf.grads((xx, ...vs) => {
    const vars = Object.fromEntries(names.map((n, i) => [n, vs[i] as tf.Variable]));
    return tf.sum(tf.mul(runKind(kind, params, { in: xx }, { vars }).outputs.out, r)) as tf.Scalar;
  })([x, ...names.map((n) => run.vars[n])]);
  const gradError = Math.max(maxError(grads[0], theirs.grads.in), ...names.map((n, i) => maxError(grads[i + 1], theirs.grads[n])));
  return { run, theirs, outError: maxError(run.outputs.out, theirs.out), gradError };
}

describe('Neural Interpreters parity with PyTorch', () => {
  it.skipIf(!torchAvailable())('ModAttn gives the same outputs and gradients', () => {
    for (const params of [{ heads: 2, keyDim: 3, codeDim: 4 }, { heads: 4, keyDim: 0, codeDim: 3 }]) {
      const { outError, gradError } = compare(ModAttn, params, [2, 5, 8]);
      expect(outError).toBeLessThan(1e-5);
      expect(gradError).toBeLessThan(1e-5);
    }
  });

  it.skipIf(!torchAvailable())('Script gives the same outputs, compatibilities and gradients, with truncation at work', () => {
    const params = {
      functions: 3, typeDim: 3, codeDim: 4, loc: 2, iterations: 2, heads: 2,
      hidden: 6, keyDim: 3, truncation: 1.2, temperature: 0.7, mlpLayers: 3,
    };
    const { run, theirs, outError, gradError } = compare(Script, params, [2, 5, 8]);
    // No distance sits so close to τ that float32 and float64 could disagree on the mask.
    expect(theirs.margin).toBeGreaterThan(1e-3);
    const c = run.records.compatibility.dataSync();
    // The case exercises the truncation: some C_ui are cut to 0, most are not.
    expect(c.some((v) => v === 0) && c.filter((v) => v > 0).length > c.length / 2).toBe(true);
    expect(maxError(run.records.compatibility, theirs.compatibility)).toBeLessThan(1e-5);
    expect(outError).toBeLessThan(1e-5);
    expect(gradError).toBeLessThan(1e-5);
  });
});
