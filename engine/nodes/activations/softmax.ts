import { tf } from '../../tf.js';
import { defineKind, fail, ok } from '../kind.js';
import { floatInputAxis, resolveAxis } from '../structure/axis.js';

/** Softmax along one axis, as PyTorch's nn.Softmax(dim). */
export const Softmax = defineKind({
  type: 'Softmax',
  group: 'Activations',
  summary: 'Turns scores into probabilities along one axis',
  doc: 'Softmax `exp(x_i) / Σ_j exp(x_j)` along `axis` (default -1, the last), as PyTorch `nn.Softmax(dim)`. The values along that axis are positive and sum to 1. Do not put it before CrossEntropy, which takes raw logits. The batch axis is refused: a softmax across samples would make each sample depend on the others.',
  inputs: [{ name: 'in', doc: 'Float scores [B, ...]' }],
  outputs: [{ name: 'out', doc: 'Same shape as the input' }],
  params: {
    axis: { kind: 'int', default: -1, min: -16, max: 15, doc: 'Axis to normalise; negative counts from the end (-1 = last)' },
  },
  inferShapes({ params, inputs }) {
    const r = floatInputAxis(inputs.in, params.axis, 'pick a feature axis');
    if ('error' in r) return fail(r.error);
    return ok({ out: r.x });
  },
  forward({ inputs, params }) {
    const x = inputs.in;
    const axis = resolveAxis(params.axis, x.rank) ?? x.rank - 1;
    return { out: softmaxAlong(x, axis) };
  },
});

/** tfjs' softmax works on the last axis only, so other axes are moved there and back. */
export function softmaxAlong(x: tf.Tensor, axis: number): tf.Tensor {
  const last = x.rank - 1;
  if (axis === last) return tf.softmax(x);
  const perm = [...Array(x.rank).keys()];
  [perm[axis], perm[last]] = [perm[last], perm[axis]];
  // Swapping two axes is its own inverse, so the same permutation moves it back.
  return tf.transpose(tf.softmax(tf.transpose(x, perm)), perm);
}
