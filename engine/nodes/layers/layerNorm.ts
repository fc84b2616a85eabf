import { layerNorm } from '../../backend/normalization.js';
import { defineKind, fail, ok } from '../kind.js';
import type { TensorType } from '../../shapes/types.js';

/**
 * Layer normalisation over the last axis, as PyTorch's nn.LayerNorm(D): biased variance,
 * eps inside the square root, then a learned per-feature scale and shift.
 */
export const LayerNorm = defineKind({
  type: 'LayerNorm',
  group: 'Layers',
  summary: 'Normalises each vector over its last axis',
  doc: 'Normalises every vector on the last axis to mean 0 and variance 1, `(x - mean) / √(var + eps)`, then applies a learned scale `weight` (starts at 1) and shift `bias` (starts at 0), as PyTorch `nn.LayerNorm(features)`. Statistics are per sample, so it behaves the same in training and evaluation.',
  inputs: [{ name: 'in', doc: 'Float tensor [B, ..., features]' }],
  outputs: [{ name: 'out', doc: 'Same shape as the input' }],
  params: {
    eps: { kind: 'number', default: 1e-5, min: 0, max: 1, exclusiveMin: true, doc: 'Added to the variance before the square root, for stability' },
    affine: { kind: 'boolean', default: true, doc: 'Learn a per-feature scale (weight) and shift (bias)' },
  },
  inferShapes({ inputs }) {
    const x = inputs.in;
    if (!x) return fail({ port: 'in', message: 'input "in" is not connected' });
    if (x.dtype !== 'float32') return fail({ port: 'in', message: `expects a float32 tensor, got ${x.dtype}` });
    if (x.shape.length < 2) return fail({ port: 'in', message: 'expects at least [B, features]' });
    if (x.shape[x.shape.length - 1] === 'B') return fail({ port: 'in', message: 'the last axis must be a feature axis, not the batch' });
    return ok({ out: x });
  },
  variables(params, inputs) {
    if (!params.affine) return [];
    const features = lastDim(inputs.in);
    return [
      { name: 'weight', shape: [features], init: { kind: 'ones' } },
      { name: 'bias', shape: [features], init: { kind: 'zeros' } },
    ];
  },
  forward({ inputs, params, vars }) {
    // One kernel forward and one backward on the native backend (engine/backend/normalization.ts).
    return { out: params.affine ? layerNorm(inputs.in, params.eps, vars.weight, vars.bias) : layerNorm(inputs.in, params.eps) };
  },
});

function lastDim(type: TensorType | undefined): number {
  const d = type?.shape[type.shape.length - 1];
  return typeof d === 'number' ? d : 1;
}
