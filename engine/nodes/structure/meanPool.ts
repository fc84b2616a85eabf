import { tf } from '../../tf.js';
import { defineKind, fail, ok } from '../kind.js';
import { resolveAxis, showShape } from './axis.js';

/** Mean over one non-batch axis, as x.mean(dim=axis): average pooling over tokens. */
export const MeanPool = defineKind({
  type: 'MeanPool',
  group: 'Structure',
  summary: 'Averages over one axis (e.g. tokens): [B,T,D] → [B,D]',
  doc: 'Averages its input over `axis` (default 1, the tokens of [B, T, D]) and removes that axis, as `x.mean(dim=axis)` in PyTorch. Negative axes count from the end. The batch axis is refused: averaging over samples would mix them.',
  inputs: [{ name: 'in', doc: 'Float tensor [B, T, ...]' }],
  outputs: [{ name: 'out', doc: 'The input without `axis`' }],
  params: {
    axis: { kind: 'int', default: 1, min: -16, max: 15, doc: 'Axis to average over; negative counts from the end' },
  },
  inferShapes({ params, inputs }) {
    const x = inputs.in;
    if (!x) return fail({ port: 'in', message: 'input "in" is not connected' });
    if (x.dtype !== 'float32') return fail({ port: 'in', message: `expects a float32 tensor, got ${x.dtype}` });
    const axis = resolveAxis(params.axis, x.shape.length);
    if (axis === null) {
      return fail({ port: 'in', message: `axis ${params.axis} is out of range for ${showShape(x.shape)} (rank ${x.shape.length})` });
    }
    if (x.shape[axis] === 'B') return fail({ port: 'in', message: `axis ${params.axis} is the batch axis of ${showShape(x.shape)}; pick another axis` });
    return ok({ out: { dtype: 'float32', shape: x.shape.filter((_, i) => i !== axis) } });
  },
  forward({ inputs, params }) {
    const x = inputs.in;
    return { out: tf.mean(x, resolveAxis(params.axis, x.rank) ?? 1) };
  },
});
