import type { PortError } from '../kind.js';
import type { TensorType } from '../../shapes/types.js';

/**
 * Checks that port `in` carries a set of tokens [B, T, D] and returns D, or the error to show
 * on the port. Attention mixes along T, so T and D must be fixed sizes.
 */
export function tokenDim(type: TensorType | undefined, kind: string): { dim: number } | { error: PortError } {
  const port = 'in';
  if (!type) return { error: { port, message: 'input "in" is not connected' } };
  if (type.dtype !== 'float32') return { error: { port, message: `expects float32 tokens, got ${type.dtype} (put an Embedding first)` } };
  const [batch, tokens, dim] = type.shape;
  if (type.shape.length !== 3 || batch !== 'B') {
    return {
      error: {
        port,
        message: `${kind} expects a set of tokens [B, T, D], got [${type.shape.join(', ')}] (use Patchify, Embedding or a reshape to make tokens)`,
      },
    };
  }
  if (typeof tokens !== 'number' || typeof dim !== 'number') {
    return { error: { port, message: `tokens T and features D must be fixed sizes, got [${type.shape.join(', ')}]` } };
  }
  return { dim };
}

/**
 * The per-head key size: `keyDim`, or D / heads when keyDim is 0 (the usual multi-head split),
 * which needs D divisible by heads.
 */
export function resolveKeyDim(dim: number, heads: number, keyDim: number): { keyDim: number } | { error: PortError } {
  if (keyDim > 0) return { keyDim };
  if (dim % heads !== 0) {
    return {
      error: {
        port: 'in',
        message: `keyDim 0 splits D = ${dim} into heads = ${heads}, but ${dim} is not divisible by ${heads}: set keyDim, or a number of heads that divides ${dim}`,
      },
    };
  }
  return { keyDim: dim / heads };
}

/** The key size a forward pass uses: `keyDim`, or D / heads when it is 0 (the shape rules checked that heads divides D). */
export function keyDimOf(dim: number, heads: number, keyDim: number): number {
  return keyDim > 0 ? keyDim : dim / heads;
}

/** D and the per-head key size for an attention kind reading tokens on port `in`, or the error to show on the port. */
export function attentionDims(type: TensorType | undefined, kind: string, heads: number, keyDim: number): { dim: number; keyDim: number } | { error: PortError } {
  const tokens = tokenDim(type, kind);
  if ('error' in tokens) return tokens;
  const key = resolveKeyDim(tokens.dim, heads, keyDim);
  if ('error' in key) return key;
  return { dim: tokens.dim, keyDim: key.keyDim };
}
