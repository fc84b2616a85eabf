import { tf } from '../../tf.js';
import { defineKind, fail, ok } from '../kind.js';
import { resolveAxis, showShape } from './axis.js';

/** Picks one position of a sequence, as x[:, index] in PyTorch. */
export const SelectToken = defineKind({
  type: 'SelectToken',
  group: 'Structure',
  summary: 'One token of a sequence: [B,T,D] → [B,D]',
  doc: 'Keeps the token at position `index` of each sequence, as `x[:, index]` in PyTorch: [B, T, D] → [B, D]. Negative indices count from the end (-1 is the last token). With index 0 after a ClsToken it reads the [CLS] token out.',
  inputs: [{ name: 'in', doc: 'Token sequence [B, T, D]' }],
  outputs: [{ name: 'out', doc: '[B, D]' }],
  params: {
    index: { kind: 'int', default: 0, min: -65536, max: 65535, doc: 'Position to keep; negative counts from the end' },
  },
  inferShapes({ params, inputs }) {
    const x = inputs.in;
    if (!x) return fail({ port: 'in', message: 'input "in" is not connected' });
    const t = x.shape[1];
    if (x.shape.length < 3 || x.shape[0] !== 'B' || x.shape.slice(1).includes('B')) {
      return fail({ port: 'in', message: `expects a token sequence [B, T, D], got ${showShape(x.shape)}` });
    }
    if (resolveAxis(params.index, t as number) === null) {
      return fail({ port: 'in', message: `index ${params.index} is out of range for ${t} tokens (use ${-t}…${(t as number) - 1})` });
    }
    return ok({ out: { dtype: x.dtype, shape: [x.shape[0], ...x.shape.slice(2)] } });
  },
  forward({ inputs, params }) {
    const x = inputs.in;
    const index = resolveAxis(params.index, x.shape[1] as number) ?? 0;
    const begin = x.shape.map((_, i) => (i === 1 ? index : 0));
    const size = x.shape.map((d, i) => (i === 1 ? 1 : d));
    return { out: tf.squeeze(tf.slice(x, begin, size), [1]) };
  },
});
