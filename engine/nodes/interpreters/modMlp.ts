import type { tf } from '../../tf.js';
import type { VariableSpec } from '../kind.js';
import { modLin, modLinSpecs, type FunctionCodes } from './modLin.js';
import { gelu } from './ops.js';

/** Widths of the L ModLin layers: dim → hidden → … → hidden → dim (dim → dim when L = 1). */
function widths(dim: number, hidden: number, layers: number): number[] {
  return [dim, ...Array.from({ length: layers - 1 }, () => hidden), dim];
}

/** Variables `<prefix>.<l>.{weight,bias,W_c}` of ModLin_1 … ModLin_L (l counted from 0). */
export function modMlpSpecs(prefix: string, dim: number, hidden: number, layers: number, codeDim: number): VariableSpec[] {
  const w = widths(dim, hidden, layers);
  return w.slice(0, -1).flatMap((inDim, l) => modLinSpecs(`${prefix}.${l}`, inDim, w[l + 1], codeDim));
}

/**
 * ModMLP(x; c) = (ModLin_L(•; c) ∘ GELU ∘ … ∘ ModLin_1(•; c))(x): L ModLin layers sharing
 * the code c, GELU between them (none after the last). x: [B, U, T, dim] → [B, U, T, dim].
 */
export function modMlp(x: tf.Tensor, codes: FunctionCodes, vars: Record<string, tf.Tensor>, prefix: string, layers: number): tf.Tensor {
  let h = x;
  for (let l = 0; l < layers; l++) {
    if (l > 0) h = gelu(h);
    h = modLin(h, codes, vars, `${prefix}.${l}`);
  }
  return h;
}
