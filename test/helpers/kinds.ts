import { tf } from '../../engine/tf.js';
import type { ForwardContext, NodeKind, ShapeResult } from '../../engine/nodes/kind.js';
import { resolveParams } from '../../engine/nodes/params.js';
import type { TensorType } from '../../engine/shapes/types.js';
import { initialValue } from '../../engine/compile/initializers.js';

export interface KindRun {
  outputs: Record<string, tf.Tensor>;
  vars: Record<string, tf.Variable>;
  metrics: Record<string, tf.Scalar>;
  auxLosses: Record<string, tf.Scalar>;
  records: Record<string, tf.Tensor>;
}

/** The symbolic type of a concrete tensor, with its first axis as the batch. */
export function typeOf(t: tf.Tensor, batchFirst = true): TensorType {
  return {
    dtype: t.dtype === 'int32' ? 'int32' : 'float32',
    shape: t.shape.map((d, i) => (batchFirst && i === 0 ? 'B' : d)),
  };
}

export function inferKind(kind: NodeKind<any>, rawParams: Record<string, unknown>, inputs: Record<string, TensorType>): ShapeResult {
  const { params, problems } = resolveParams(kind.params, rawParams);
  if (problems.length) throw new Error(problems.map((p) => p.message).join('; '));
  return kind.inferShapes({ nodeId: 'n', params, inputs, dataset: null });
}

/**
 * Runs one node kind on concrete inputs, the way the compiler does: params resolved,
 * variables created from their specs (or taken from `weights`), forward called.
 */
export function runKind(
  kind: NodeKind<any>,
  rawParams: Record<string, unknown>,
  inputs: Record<string, tf.Tensor>,
  options: { training?: boolean; seed?: number; weights?: Record<string, tf.Tensor>; vars?: Record<string, tf.Variable> } = {},
): KindRun {
  const { params, problems } = resolveParams(kind.params, rawParams);
  if (problems.length) throw new Error(problems.map((p) => p.message).join('; '));
  const inputTypes = Object.fromEntries(Object.entries(inputs).map(([k, t]) => [k, typeOf(t)]));
  const vars: Record<string, tf.Variable> = options.vars ?? {};
  if (!options.vars) {
    for (const spec of kind.variables?.(params, inputTypes) ?? []) {
      const given = options.weights?.[spec.name];
      if (given && given.shape.join() !== spec.shape.join()) {
        throw new Error(`weight ${spec.name}: shape [${given.shape}] given, [${spec.shape}] expected`);
      }
      // Given weights are used as they are, so gradients can flow back to them.
      vars[spec.name] = given ? (given as tf.Variable) : tf.variable(initialValue(spec.shape, spec.init, 7 + Object.keys(vars).length));
    }
  }
  const metrics: Record<string, tf.Scalar> = {};
  const auxLosses: Record<string, tf.Scalar> = {};
  const records: Record<string, tf.Tensor> = {};
  const ctx: ForwardContext<any> = {
    nodeId: 'n',
    params,
    inputs,
    inputTypes,
    vars,
    training: options.training ?? false,
    seed: options.seed ?? 1,
    feed: inputs,
    addAuxLoss: (name, value) => void (auxLosses[name] = value),
    addMetric: (name, value) => void (metrics[name] = value),
    record: (key, value) => void (records[key] = value),
  };
  return { outputs: kind.forward(ctx), vars, metrics, auxLosses, records };
}

/**
 * Compares the analytic gradient of `f` with central finite differences at a few
 * coordinates of each tensor. float32 limits the precision, so tolerances are loose
 * but still catch a wrong or missing gradient.
 */
export function checkGradients(
  f: (...xs: tf.Tensor[]) => tf.Scalar,
  xs: tf.Tensor[],
  { eps = 1e-2, tolerance = 2e-2, samples = 6 }: { eps?: number; tolerance?: number; samples?: number } = {},
): { maxError: number } {
  const grads = tf.grads(f)(xs);
  let maxError = 0;
  xs.forEach((x, k) => {
    const base = x.dataSync().slice();
    const analytic = grads[k].dataSync();
    const n = base.length;
    for (let s = 0; s < Math.min(samples, n); s++) {
      const i = Math.floor((s * n) / Math.min(samples, n));
      const shifted = (delta: number) => {
        const copy = base.slice();
        copy[i] += delta;
        const args = xs.map((other, j) => (j === k ? tf.tensor(copy, x.shape, x.dtype) : other));
        return f(...args).dataSync()[0];
      };
      const numeric = (shifted(eps) - shifted(-eps)) / (2 * eps);
      const err = Math.abs(numeric - analytic[i]) / Math.max(1, Math.abs(numeric), Math.abs(analytic[i]));
      maxError = Math.max(maxError, err);
    }
  });
  return { maxError };
}
