import { tf } from '../../tf.js';
import { defineKind, fail, ok } from '../kind.js';
import { showShape } from './axis.js';

/**
 * Cuts images into non-overlapping p×p patches, one token per patch, as ViT does
 * (einops 'b (h p1) (w p2) c -> b (h w) (p1 p2 c)'): patches in row-major order, and
 * inside a patch pixel rows, then pixel columns, then channels.
 */
export const Patchify = defineKind({
  type: 'Patchify',
  group: 'Structure',
  summary: 'Images → sequence of flattened p×p patches (ViT)',
  doc: 'Cuts each image [H, W] or [H, W, C] into non-overlapping `patch`×`patch` squares and flattens each into one token, as the Vision Transformer: [B, H, W, C] → [B, (H/p)·(W/p), p·p·C]. Patches run row by row from the top left; inside a patch, values run by pixel row, pixel column, then channel. H and W must be multiples of the patch size. Follow it with a Linear to embed the patches.',
  inputs: [{ name: 'in', doc: 'Images [B, H, W] or [B, H, W, C] (channels last)' }],
  outputs: [{ name: 'out', doc: '[B, patches, p·p·C]' }],
  params: {
    patch: { kind: 'int', default: 4, min: 1, max: 4096, doc: 'Side of each square patch, in pixels' },
  },
  inferShapes({ params, inputs }) {
    const x = inputs.in;
    const p = params.patch;
    if (!x) return fail({ port: 'in', message: 'input "in" is not connected' });
    if (x.dtype !== 'float32') return fail({ port: 'in', message: `expects float32 images, got ${x.dtype}` });
    if ((x.shape.length !== 3 && x.shape.length !== 4) || x.shape[0] !== 'B' || x.shape.slice(1).includes('B')) {
      return fail({ port: 'in', message: `expects images [B, H, W] or [B, H, W, C], got ${showShape(x.shape)}` });
    }
    const [h, w, c = 1] = x.shape.slice(1) as number[];
    if (h % p !== 0 || w % p !== 0) {
      return fail({ port: 'in', message: `image ${h}×${w} is not divisible into ${p}×${p} patches: H and W must be multiples of ${p}` });
    }
    return ok({ out: { dtype: 'float32', shape: ['B', (h / p) * (w / p), p * p * c] } });
  },
  forward({ inputs, params }) {
    return { out: patchify(inputs.in, params.patch) };
  },
});

export function patchify(x: tf.Tensor, p: number): tf.Tensor {
  const [b, h, w, c = 1] = x.shape;
  const grid = tf.reshape(x, [b, h / p, p, w / p, p, c]);
  // [b, rows, p1, cols, p2, c] → [b, rows, cols, p1, p2, c]
  const ordered = tf.transpose(grid, [0, 1, 3, 2, 4, 5]);
  return tf.reshape(ordered, [b, (h / p) * (w / p), p * p * c]);
}
