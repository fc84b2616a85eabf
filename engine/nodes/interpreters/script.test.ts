import { describe, expect, it } from 'vitest';
import { tf } from '../../tf.js';
import { checkGradients, inferKind, runKind } from '../../../test/helpers/kinds.js';
import { resolveParams } from '../params.js';
import { Script } from './script.js';

const small = { functions: 3, typeDim: 3, codeDim: 4, loc: 2, iterations: 2, heads: 2, hidden: 6, keyDim: 3, truncation: 1.2 };
const tokens = (t: number, d: number) => ({ dtype: 'float32' as const, shape: ['B' as const, t, d] });
const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];

describe('Script shapes and variables', () => {
  it('maps tokens [B, T, D] to [B, T, D] with its defaults', () => {
    expect(inferKind(Script, {}, { in: tokens(17, 64) })).toEqual({ ok: true, outputs: { out: tokens(17, 64) } });
  });

  it('names the port and the mismatch for bad inputs', () => {
    const flat = inferKind(Script, {}, { in: { dtype: 'float32', shape: ['B', 64] } });
    expect(!flat.ok && flat.errors[0]).toMatchObject({ port: 'in', message: expect.stringMatching(/\[B, T, D\]/) });
    const split = inferKind(Script, { heads: 3, keyDim: 0 }, { in: tokens(5, 8) });
    expect(!split.ok && split.errors[0]).toMatchObject({ port: 'in', message: expect.stringMatching(/not divisible by 3/) });
  });

  it('declares codes, signatures, type inference and per-LOC variables, PyTorch-initialised', () => {
    const specs = specsOf(small);
    const byName = Object.fromEntries(specs.map((s) => [s.name, s]));
    expect(byName.codes.shape).toEqual([3, 4]);
    expect(byName.signatures.shape).toEqual([3, 3]);
    expect(byName['typeInference.0.weight'].shape).toEqual([8, 6]);
    expect(byName['typeInference.1.weight'].shape).toEqual([6, 3]);
    expect(byName['loc0.attn.query.weight'].shape).toEqual([8, 6]);
    expect(byName['loc1.attn.query.W_c'].shape).toEqual([4, 8]);
    expect(byName['loc1.mlp.0.weight']).toMatchObject({ shape: [8, 6], init: { kind: 'uniform', limit: 1 / Math.sqrt(8) } });
    expect(byName['loc1.mlpNorm.weight'].init).toEqual({ kind: 'ones' });
  });

  it('shares parameters across iterations: the variables do not depend on n_i', () => {
    const count = (iterations: number) => specsOf({ ...small, iterations });
    expect(count(1)).toEqual(count(5));
    expect(count(1).length).toBeLessThan(specsOf({ ...small, loc: 3 }).length);
  });
});

describe('Script values', () => {
  const x = tf.randomNormal([2, 5, 8], 0, 1, 'float32', 3);

  it('applies the same FnIter n_i times: two iterations equal one iteration run twice', () => {
    const two = runKind(Script, small, { in: x });
    const once = runKind(Script, { ...small, iterations: 1 }, { in: x }, { vars: two.vars }).outputs.out;
    const twice = runKind(Script, { ...small, iterations: 1 }, { in: once }, { vars: two.vars }).outputs.out;
    expect(maxDiff(two.outputs.out, twice)).toBeLessThan(1e-5);
    expect(maxDiff(two.outputs.out, once)).toBeGreaterThan(1e-2);
  });

  it('is the identity when truncation leaves every C_ui = 0', () => {
    const run = runKind(Script, { ...small, truncation: 1e-6 }, { in: x });
    expect(Array.from(run.records.compatibility.dataSync()).every((c) => c === 0)).toBe(true);
    expect(maxDiff(run.outputs.out, x)).toBe(0);
    expect(Array.from(run.records.routing.dataSync()).every((r) => r === -1)).toBe(true);
  });

  it('records the last compatibilities [B, functions, T] and each element\'s function', () => {
    const run = runKind(Script, small, { in: x });
    const c = run.records.compatibility;
    expect(c.shape).toEqual([2, 3, 5]);
    const totals = tf.sum(c, 1).dataSync();
    expect(Array.from(totals).every((t) => t <= 1 + 1e-6)).toBe(true);
    expect(run.records.routing.shape).toEqual([2, 5]);
    expect(Array.from(run.records.routing.dataSync())).toEqual(Array.from(tf.argMax(c, 1).dataSync()));
  });

  it('has gradients that match finite differences through the whole Script, truncation included', () => {
    const xs = tf.randomNormal([1, 3, 4], 0, 1, 'float32', 8);
    const params = { ...small, loc: 1, hidden: 4, heads: 1, keyDim: 2 };
    const base = runKind(Script, params, { in: xs });
    const c = base.records.compatibility.dataSync();
    expect(c.some((v) => v === 0) && c.some((v) => v > 0)).toBe(true); // the mask is at work
    const names = ['codes', 'signatures', 'typeInference.0.weight', 'loc0.attn.query.W_c', 'loc0.mlp.1.weight'];
    const r = tf.randomNormal([1, 3, 4], 0, 1, 'float32', 9);
    const f = (xx: tf.Tensor, ...vs: tf.Tensor[]) => {
      const weights = { ...base.vars, ...Object.fromEntries(names.map((n, i) => [n, vs[i]])) };
      return tf.sum(tf.mul(runKind(Script, params, { in: xx }, { weights }).outputs.out, r)) as tf.Scalar;
    };
    expect(checkGradients(f, [xs, ...names.map((n) => base.vars[n])], { eps: 5e-3 }).maxError).toBeLessThan(2e-2);
  });

  it('gives every variable a finite gradient, the signatures a non-zero one', () => {
    const run = runKind(Script, small, { in: x });
    const { grads } = tf.variableGrads(() => tf.sum(tf.square(runKind(Script, small, { in: x }, { vars: run.vars }).outputs.out)) as tf.Scalar, Object.values(run.vars));
    const byName = Object.fromEntries(Object.entries(run.vars).map(([n, v]) => [n, grads[v.name]]));
    for (const [name, g] of Object.entries(byName)) expect(Number.isFinite(tf.sum(tf.abs(g)).dataSync()[0]), name).toBe(true);
    expect(tf.sum(tf.abs(byName.signatures)).dataSync()[0]).toBeGreaterThan(0);
  });
});

/** The variables of a Script on tokens [B, 5, 8], with the given params over the defaults. */
function specsOf(raw: Record<string, number>) {
  return Script.variables!(resolveParams(Script.params, raw).params, { in: tokens(5, 8) });
}
