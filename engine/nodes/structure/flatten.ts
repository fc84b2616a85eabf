import { tf } from '../../tf.js';
import { defineKind, fail, ok } from '../kind.js';
import { sampleSize } from '../../shapes/types.js';
import { showShape } from './axis.js';

/** [B, ...] → [B, prod(...)], as PyTorch's nn.Flatten() (start_dim=1). */
export const Flatten = defineKind({
  type: 'Flatten',
  group: 'Structure',
  summary: '[B, ...] → [B, features]',
  doc: 'Flattens every axis but the batch into one, in row-major order, as PyTorch `nn.Flatten()`: an image [B, 28, 28] becomes [B, 784]. A [B] input becomes [B, 1].',
  inputs: [{ name: 'in', doc: 'Any tensor [B, ...]' }],
  outputs: [{ name: 'out', doc: '[B, product of the other axes]' }],
  params: {},
  inferShapes({ inputs }) {
    const x = inputs.in;
    if (!x) return fail({ port: 'in', message: 'input "in" is not connected' });
    if (x.shape[0] !== 'B' || x.shape.slice(1).includes('B')) {
      return fail({ port: 'in', message: `expects the batch first and only there, got ${showShape(x.shape)}` });
    }
    return ok({ out: { dtype: x.dtype, shape: ['B', sampleSize(x.shape)] } });
  },
  forward({ inputs }) {
    const x = inputs.in;
    return { out: tf.reshape(x, [x.shape[0], -1]) };
  },
});
