import { tf } from '../../tf.js';
import { defineKind, fail, ok } from '../kind.js';
import { floatInputAxis, resolveAxis } from './axis.js';

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
    const r = floatInputAxis(inputs.in, params.axis, 'pick another axis');
    if ('error' in r) return fail(r.error);
    return ok({ out: { dtype: 'float32', shape: r.x.shape.filter((_, i) => i !== r.axis) } });
  },
  forward({ inputs, params }) {
    const x = inputs.in;
    return { out: tf.mean(x, resolveAxis(params.axis, x.rank) ?? 1) };
  },
});
