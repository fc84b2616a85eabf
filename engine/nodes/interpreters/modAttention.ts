import { tf } from '../../tf.js';
import type { VariableSpec } from '../kind.js';
import { modLin, modLinSpecs, type FunctionCodes } from './modLin.js';
import { NORMALISE_EPS } from './ops.js';

export interface AttentionShape {
  dim: number;
  heads: number;
  keyDim: number;
  codeDim: number;
}

/**
 * Variables `<prefix>.{query,key,value,out}.{weight,bias,W_c}`. ModLin^h_query for all heads
 * h is one ModLin with heads·keyDim outputs: head h reads output columns h·keyDim … (h+1)·keyDim−1,
 * so the heads share the modulation LayerNorm(W_c c_u) of their input and differ in W and b.
 */
export function modAttnSpecs(prefix: string, s: AttentionShape): VariableSpec[] {
  const width = s.heads * s.keyDim;
  return [
    ...modLinSpecs(`${prefix}.query`, s.dim, width, s.codeDim),
    ...modLinSpecs(`${prefix}.key`, s.dim, width, s.codeDim),
    ...modLinSpecs(`${prefix}.value`, s.dim, width, s.codeDim),
    ...modLinSpecs(`${prefix}.out`, width, s.dim, s.codeDim),
  ];
}

/**
 * ModAttn for every function u at once. x: [B, U, T, dim] (element i of function u's stream),
 * codes c_u (with their modulations), compatibilities C_ui: [B, U, T], or null for C ≡ 1.
 *   q_uhi, k_uhi, v_uhi = ModLin^h_{query,key,value}(x_ui; c_u)
 *   W̃_uhij = C_ui C_uj softmax_j(q_uhi · k_uhj / √d_key)
 *   W_uhij = W̃_uhij / (ε + Σ_j W̃_uhij)
 *   ỹ_uhi = Σ_j W_uhij v_uhj
 *   ỹ_ui = ModLin_out(ỹ_ui;h ; c_u), heads folded back into one vector of heads·keyDim.
 */
export function modAttention(
  x: tf.Tensor,
  codes: FunctionCodes,
  compatibility: tf.Tensor | null,
  vars: Record<string, tf.Tensor>,
  prefix: string,
  heads: number,
  keyDim: number,
): tf.Tensor {
  const [batch, functions, tokens] = x.shape;
  const streams = batch * functions;
  // [B, U, T, H·d] → [B·U·H, T, d]: one batched matMul over batch, functions and heads.
  const splitHeads = (t: tf.Tensor) =>
    tf.reshape(tf.transpose(tf.reshape(t, [streams, tokens, heads, keyDim]), [0, 2, 1, 3]), [streams * heads, tokens, keyDim]) as tf.Tensor3D;
  const q = splitHeads(modLin(x, codes, vars, `${prefix}.query`));
  const k = splitHeads(modLin(x, codes, vars, `${prefix}.key`));
  const v = splitHeads(modLin(x, codes, vars, `${prefix}.value`));

  const logits = tf.div(tf.matMul(q, k, false, true), Math.sqrt(keyDim));
  let weights = tf.reshape(tf.softmax(logits), [batch, functions, heads, tokens, tokens]);
  if (compatibility) {
    const ci = tf.reshape(compatibility, [batch, functions, 1, tokens, 1]);
    const cj = tf.reshape(compatibility, [batch, functions, 1, 1, tokens]);
    weights = tf.mul(weights, tf.mul(ci, cj)); // W̃_uhij
  }
  weights = tf.div(weights, tf.add(tf.sum(weights, -1, true), NORMALISE_EPS)); // W_uhij

  const y = tf.matMul(tf.reshape(weights, [streams * heads, tokens, tokens]) as tf.Tensor3D, v); // ỹ_uhi
  const folded = tf.reshape(
    tf.transpose(tf.reshape(y, [streams, heads, tokens, keyDim]), [0, 2, 1, 3]),
    [batch, functions, tokens, heads * keyDim],
  );
  return modLin(folded, codes, vars, `${prefix}.out`);
}
