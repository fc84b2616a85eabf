import { tf } from '../../tf.js';
import { defineKind, fail, ok } from '../kind.js';
import type { Dim } from '../../shapes/types.js';
import { showShape } from './axis.js';

/** Element-wise sum of two tensors, with NumPy broadcasting: the residual connection. */
export const Add = defineKind({
  type: 'Add',
  group: 'Structure',
  summary: 'a + b, element-wise (residual connections)',
  doc: 'Adds `a` and `b` element-wise, as `a + b` in PyTorch. Shapes must be equal or broadcast as in NumPy: aligned from the last axis, each pair of sizes equal or one of them 1 (missing leading axes count as 1). Used for residual connections `x + f(x)`.',
  inputs: [
    { name: 'a', doc: 'Float tensor' },
    { name: 'b', doc: 'Float tensor of the same shape, or one that broadcasts against a' },
  ],
  outputs: [{ name: 'out', doc: 'The broadcast shape of a and b' }],
  params: {},
  inferShapes({ inputs }) {
    const { a, b } = inputs;
    const missing = (['a', 'b'] as const).filter((p) => !inputs[p]).map((port) => ({ port, message: `input "${port}" is not connected` }));
    if (!a || !b) return fail(...missing);
    if (a.dtype !== b.dtype) return fail({ port: 'b', message: `b is ${b.dtype} but a is ${a.dtype}; both must have the same type` });
    const shape = broadcastShapes(a.shape, b.shape);
    if (typeof shape === 'string') return fail({ port: 'b', message: shape });
    return ok({ out: { dtype: a.dtype, shape } });
  },
  forward: ({ inputs }) => ({ out: tf.add(inputs.a, inputs.b) }),
});

/**
 * NumPy broadcasting on symbolic shapes. The batch 'B' matches only 'B' or 1: its size
 * is unknown until run time, so pairing it with a fixed size could fail on some batch.
 * Returns the broadcast shape, or a message naming the axis that does not fit.
 */
export function broadcastShapes(a: readonly Dim[], b: readonly Dim[]): Dim[] | string {
  const rank = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 1; i <= rank; i++) {
    const da = i <= a.length ? a[a.length - i] : 1;
    const db = i <= b.length ? b[b.length - i] : 1;
    if (da === db || db === 1) out.unshift(da);
    else if (da === 1) out.unshift(db);
    else {
      return `cannot add a ${showShape(a)} and b ${showShape(b)}: axis -${i} has size ${da} in a and ${db} in b (sizes must match, or one of them be 1)`;
    }
  }
  return out;
}
