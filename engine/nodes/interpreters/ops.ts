import { tf } from '../../tf.js';

/**
 * ε of the two normalisations of the Neural Interpreters post, C_ui = C̃_ui / (ε + Σ_u C̃_ui)
 * and W_uhij = W̃_uhij / (ε + Σ_j W̃_uhij): it keeps 0 / 0 at 0 for elements no function reads.
 */
export const NORMALISE_EPS = 1e-6;

/** PyTorch's nn.LayerNorm default, so the parity reference needs no special case. */
export const LAYER_NORM_EPS = 1e-5;

/** LayerNorm over the last axis (biased variance, as PyTorch), with an optional affine γ, β. */
export function layerNorm(x: tf.Tensor, gamma?: tf.Tensor, beta?: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  let y = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, LAYER_NORM_EPS)));
  if (gamma) y = tf.mul(y, gamma);
  if (beta) y = tf.add(y, beta);
  return y;
}

/** Exact (erf) GELU, PyTorch's default `nn.GELU()`; erf has a gradient on cpu and wasm. */
export function gelu(x: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.div(x, Math.SQRT2))));
}

/** x / max(‖x‖, 1e-12) on the last axis (PyTorch's F.normalize): a point on the unit sphere. */
export function unitNormalize(x: tf.Tensor): tf.Tensor {
  const norm = tf.sqrt(tf.sum(tf.square(x), -1, true));
  return tf.div(x, tf.maximum(norm, 1e-12));
}

/** A variable the forward needs; a missing one is a compiler bug, so say which. */
export function need(vars: Record<string, tf.Tensor>, name: string): tf.Tensor {
  const v = vars[name];
  if (!v) throw new Error(`variable "${name}" is missing`);
  return v;
}
