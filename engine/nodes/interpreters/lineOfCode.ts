import { tf } from '../../tf.js';
import type { VariableSpec } from '../kind.js';
import { modAttention, modAttnSpecs, type AttentionShape } from './modAttention.js';
import { modMlp, modMlpSpecs } from './modMlp.js';
import { layerNorm, need } from './ops.js';
import type { FunctionCodes } from './modLin.js';

export interface FunctionShape extends AttentionShape {
  hidden: number;
  mlpLayers: number;
}

/**
 * Variables of one LOC, shared by all functions (the codes make them differ):
 * `<prefix>.attnNorm.{weight,bias}` and `<prefix>.mlpNorm.{weight,bias}` (the pre-norms, nn.LayerNorm's
 * ones/zeros), `<prefix>.attn.*` (ModAttn) and `<prefix>.mlp.*` (ModMLP).
 */
export function locSpecs(prefix: string, s: FunctionShape): VariableSpec[] {
  const norm = (name: string): VariableSpec[] => [
    { name: `${prefix}.${name}.weight`, shape: [s.dim], init: { kind: 'ones' } },
    { name: `${prefix}.${name}.bias`, shape: [s.dim], init: { kind: 'zeros' } },
  ];
  return [
    ...norm('attnNorm'),
    ...modAttnSpecs(`${prefix}.attn`, s),
    ...norm('mlpNorm'),
    ...modMlpSpecs(`${prefix}.mlp`, s.dim, s.hidden, s.mlpLayers, s.codeDim),
  ];
}

/**
 * One line of code, in parallel over the functions' streams x_ui: [B, U, T, dim].
 *   a_ui = x_ui + C_ui · ã_ui,  ã_ui = ModAttn(LN(x_u·); c_u, C_u)_i
 *   y_ui = a_ui + C_ui · b̃_ui,  b̃_ui = ModMLP(LN(a_ui); c_u)
 * Inputs are pre-normalised (LayerNorm with affine, as in the paper's pre-LN blocks), so the
 * residual stream itself is never normalised. Where C_ui = 0, y_ui = x_ui: f_u acts as the identity.
 */
export function lineOfCode(
  x: tf.Tensor,
  codes: FunctionCodes,
  compatibility: tf.Tensor,
  vars: Record<string, tf.Tensor>,
  prefix: string,
  s: FunctionShape,
): tf.Tensor {
  const c = tf.expandDims(compatibility, -1); // C_ui, broadcast over features
  const norm = (t: tf.Tensor, name: string) => layerNorm(t, need(vars, `${prefix}.${name}.weight`), need(vars, `${prefix}.${name}.bias`));
  const attended = modAttention(norm(x, 'attnNorm'), codes, compatibility, vars, `${prefix}.attn`, s.heads, s.keyDim);
  const a = tf.add(x, tf.mul(c, attended));
  const transformed = modMlp(norm(a, 'mlpNorm'), codes, vars, `${prefix}.mlp`, s.mlpLayers);
  return tf.add(a, tf.mul(c, transformed));
}
