import { tf } from '../../tf.js';
import { defineKind, fail, ok } from '../kind.js';
import type { TensorType } from '../../shapes/types.js';
import { linearWithBias } from '../../backend/linear.js';

/**
 * y = x W + b on the last axis. W is stored [in, out] (tfjs' matMul layout); PyTorch's
 * nn.Linear stores the transpose, which export and the parity tests account for.
 */
export const Linear = defineKind({
  type: 'Linear',
  group: 'Layers',
  summary: 'Fully connected layer on the last axis',
  doc: 'Applies `y = x·W + b` to the last axis of its input, like PyTorch `nn.Linear`. Weights start uniform in ±1/√fan_in, as in PyTorch.',
  inputs: [{ name: 'in', doc: 'Features on the last axis: [..., in]' }],
  outputs: [{ name: 'out', doc: '[..., units]' }],
  params: {
    units: { kind: 'int', default: 32, min: 1, max: 1 << 20, doc: 'Output features' },
    bias: { kind: 'boolean', default: true, doc: 'Add a learned bias' },
  },
  inferShapes({ params, inputs }) {
    const x = inputs.in;
    if (!x) return fail({ port: 'in', message: 'input "in" is not connected' });
    if (x.dtype !== 'float32') return fail({ port: 'in', message: `expects float32 features, got ${x.dtype} (put an Embedding first)` });
    if (x.shape.length < 2) return fail({ port: 'in', message: 'expects at least [B, features]' });
    const last = x.shape[x.shape.length - 1];
    if (last === 'B') return fail({ port: 'in', message: 'the last axis must be a feature axis, not the batch' });
    return ok({ out: { dtype: 'float32', shape: [...x.shape.slice(0, -1), params.units] } });
  },
  variables(params, inputs) {
    const fanIn = lastDim(inputs.in);
    const limit = 1 / Math.sqrt(fanIn);
    const vars = [{ name: 'weight', shape: [fanIn, params.units], init: { kind: 'uniform' as const, limit } }];
    if (params.bias) vars.push({ name: 'bias', shape: [params.units], init: { kind: 'uniform' as const, limit } });
    return vars;
  },
  forward({ inputs, vars, params }) {
    return { out: linear(inputs.in, vars.weight, params.bias ? vars.bias : undefined) };
  },
});

function lastDim(type: TensorType | undefined): number {
  const d = type?.shape[type.shape.length - 1];
  return typeof d === 'number' ? d : 1;
}

/** x·W + b on the last axis, for any rank of x. */
export function linear(x: tf.Tensor, weight: tf.Tensor, bias?: tf.Tensor): tf.Tensor {
  const inDim = x.shape[x.shape.length - 1];
  const outDim = weight.shape[1] as number;
  const flat = x.rank === 2 ? (x as tf.Tensor2D) : tf.reshape(x, [-1, inDim]) as tf.Tensor2D;
  const y: tf.Tensor = bias ? linearWithBias(flat, weight as tf.Tensor2D, bias as tf.Tensor1D) : tf.matMul(flat, weight as tf.Tensor2D);
  return x.rank === 2 ? y : tf.reshape(y, [...x.shape.slice(0, -1), outDim]);
}
