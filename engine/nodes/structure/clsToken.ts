import { tf } from '../../tf.js';
import { defineKind, fail, ok } from '../kind.js';
import { showShape } from './axis.js';

/** Prepends one learned token to every sequence, as ViT's and BERT's [CLS]. */
export const ClsToken = defineKind({
  type: 'ClsToken',
  group: 'Structure',
  summary: 'Prepends a learned [CLS] token: [B,T,D] → [B,T+1,D]',
  doc: 'Puts one learned vector `token` [1, 1, D] in front of every sequence, as the [CLS] token of ViT and BERT: [B, T, D] → [B, T+1, D]. After the attention layers, read it back with SelectToken (index 0) to classify the whole sequence. Starts normal with std 0.02, as in ViT.',
  inputs: [{ name: 'in', doc: 'Token sequence [B, T, D]' }],
  outputs: [{ name: 'out', doc: '[B, T+1, D], the learned token first' }],
  params: {},
  inferShapes({ inputs }) {
    const x = inputs.in;
    if (!x) return fail({ port: 'in', message: 'input "in" is not connected' });
    if (x.dtype !== 'float32') return fail({ port: 'in', message: `expects float32 tokens, got ${x.dtype}` });
    const [b, t, d] = x.shape;
    if (x.shape.length !== 3 || b !== 'B' || t === 'B' || d === 'B') {
      return fail({ port: 'in', message: `expects a token sequence [B, T, D], got ${showShape(x.shape)}` });
    }
    return ok({ out: { dtype: 'float32', shape: ['B', t + 1, d] } });
  },
  variables(_params, inputs) {
    const d = inputs.in?.shape[2];
    return [{ name: 'token', shape: [1, 1, typeof d === 'number' ? d : 1], init: { kind: 'normal', std: 0.02 } }];
  },
  forward({ inputs, vars }) {
    const x = inputs.in;
    const [b, , d] = x.shape;
    return { out: tf.concat([tf.broadcastTo(vars.token, [b, 1, d]), x], 1) };
  },
});
