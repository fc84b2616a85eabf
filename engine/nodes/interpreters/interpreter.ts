import { tf } from '../../tf.js';
import type { VariableSpec } from '../kind.js';
import { lineOfCode, locSpecs, type FunctionShape } from './lineOfCode.js';
import type { FunctionCodes } from './modLin.js';

export interface InterpreterShape extends FunctionShape {
  loc: number;
}

/** Variables `loc0.*` … `loc{n_l−1}.*` of the n_l stacked LOCs. */
export function interpreterSpecs(s: InterpreterShape): VariableSpec[] {
  return Array.from({ length: s.loc }, (_, l) => locSpecs(`loc${l}`, s)).flat();
}

/**
 * The interpreter: each element x_i is broadcast to one stream per function (x_ui = x_i), the
 * streams run through 𝓛 = LOC_{n_l} ∘ … ∘ LOC_1 with their codes c_u, and come back as
 *   y_i = x_i + Σ_u C_ui · (𝓛(X, c_u, C_u)_i − x_i).
 * The post writes y_i = x_i + Σ_u C_ui · 𝓛(X, c_u, C_u)_i; since each LOC already carries the residual
 * (𝓛_i = x_i + updates), adding x_i again would scale x_i by 1 + Σ_u C_ui on every FnIter. We
 * therefore weigh 𝓛's update: y_i = (1 − Σ_u C_ui) x_i + Σ_u C_ui 𝓛_ui, a compatibility-weighted mix
 * of the functions' outputs, and still y_i = x_i where all C_ui = 0.
 * x: [B, T, dim], codes c_u of U functions, compatibility C: [B, U, T] → [B, T, dim].
 */
export function interpreter(
  x: tf.Tensor,
  codes: FunctionCodes,
  compatibility: tf.Tensor,
  vars: Record<string, tf.Tensor>,
  s: InterpreterShape,
): tf.Tensor {
  const [batch, tokens, dim] = x.shape;
  const xu = tf.expandDims(x, 1);
  let streams = tf.broadcastTo(xu, [batch, codes.count, tokens, dim]);
  for (let l = 0; l < s.loc; l++) streams = lineOfCode(streams, codes, compatibility, vars, `loc${l}`, s);
  const update = tf.sum(tf.mul(tf.expandDims(compatibility, -1), tf.sub(streams, xu)), 1);
  return tf.add(x, update);
}
