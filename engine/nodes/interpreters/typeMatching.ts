import { tf } from '../../tf.js';
import type { VariableSpec } from '../kind.js';
import { linear } from '../layers/linear.js';
import { gelu, need, NORMALISE_EPS, unitNormalize } from './ops.js';

/**
 * Variables of type matching:
 * - `typeInference.{0,1}.{weight,bias}`: the MLP dim → hidden → typeDim (GELU between), nn.Linear init;
 * - `signatures` s_u [U, typeDim]: learned, N(0, 1) so their directions start uniform on the sphere.
 *   They are normalised on every forward, so the optimiser moves them freely and s_u stays a unit vector.
 */
export function typeMatchingSpecs(dim: number, hidden: number, typeDim: number, functions: number): VariableSpec[] {
  const l0 = 1 / Math.sqrt(dim);
  const l1 = 1 / Math.sqrt(hidden);
  return [
    { name: 'typeInference.0.weight', shape: [dim, hidden], init: { kind: 'uniform', limit: l0 } },
    { name: 'typeInference.0.bias', shape: [hidden], init: { kind: 'uniform', limit: l0 } },
    { name: 'typeInference.1.weight', shape: [hidden, typeDim], init: { kind: 'uniform', limit: l1 } },
    { name: 'typeInference.1.bias', shape: [typeDim], init: { kind: 'uniform', limit: l1 } },
    { name: 'signatures', shape: [functions, typeDim], init: { kind: 'normal', std: 1 } },
  ];
}

/** t_i = TypeInference(x_i), normalised onto the unit sphere 𝒯. x: [B, T, dim] → [B, T, typeDim]. */
export function inferTypes(x: tf.Tensor, vars: Record<string, tf.Tensor>): tf.Tensor {
  const h = gelu(linear(x, need(vars, 'typeInference.0.weight'), need(vars, 'typeInference.0.bias')));
  return unitNormalize(linear(h, need(vars, 'typeInference.1.weight'), need(vars, 'typeInference.1.bias')));
}

/**
 * 1 where d < τ, else 0, with a zero gradient: tfjs has no gradient for Less, and the
 * mask is a step function whose true derivative is 0 almost everywhere. The comparison
 * runs inside customGrad's forward, which the tape does not record.
 */
export function truncationMask(distance: tf.Tensor, truncation: number): tf.Tensor {
  const masked = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const d = args[0] as tf.Tensor;
    return { value: tf.cast(tf.less(d, truncation), 'float32'), gradFunc: () => tf.zerosLike(d) };
  });
  return masked(distance);
}

/**
 * Type matching, from types t_i [B, T, typeDim] and raw signatures [U, typeDim]:
 *   d(s_u, t_i) = 1 − s_u · t_i
 *   C̃_ui = exp(−d(s_u, t_i) / σ) if d(s_u, t_i) < τ, else 0
 *   C_ui = C̃_ui / (ε + Σ_u C̃_ui)
 * Returns C and d as [B, U, T].
 */
export function compatibilities(
  types: tf.Tensor,
  signatures: tf.Tensor,
  truncation: number,
  temperature: number,
): { compatibility: tf.Tensor; distance: tf.Tensor } {
  const [batch, tokens, typeDim] = types.shape;
  const s = unitNormalize(signatures) as tf.Tensor2D;
  const cosine = tf.matMul(tf.reshape(types, [batch * tokens, typeDim]) as tf.Tensor2D, s, false, true);
  const distance = tf.transpose(tf.reshape(tf.sub(1, cosine), [batch, tokens, s.shape[0]]), [0, 2, 1]);
  const raw = tf.mul(tf.exp(tf.div(tf.neg(distance), temperature)), truncationMask(distance, truncation)); // C̃_ui
  const compatibility = tf.div(raw, tf.add(tf.sum(raw, 1, true), NORMALISE_EPS));
  return { compatibility, distance };
}

/** The function with the largest C_ui for each element, or −1 where no function can read it. [B, U, T] → [B, T] int32. */
export function routingOf(compatibility: tf.Tensor): tf.Tensor {
  const best = tf.argMax(compatibility, 1);
  const routed = tf.greater(tf.sum(compatibility, 1), 0);
  return tf.where(routed, best, tf.fill(best.shape, -1, 'int32'));
}
