import { tf } from '../../tf.js';
import { layerNorm as fusedLayerNorm } from '../../backend/normalization.js';

/**
 * ε of the two normalisations of the Neural Interpreters post, C_ui = C̃_ui / (ε + Σ_u C̃_ui)
 * and W_uhij = W̃_uhij / (ε + Σ_j W̃_uhij): it keeps 0 / 0 at 0 for elements no function reads.
 */
export const NORMALISE_EPS = 1e-6;

/** PyTorch's nn.LayerNorm default, so the parity reference needs no special case. */
export const LAYER_NORM_EPS = 1e-5;

/** LayerNorm over the last axis (biased variance, as PyTorch), with an optional affine γ, β. */
export function layerNorm(x: tf.Tensor, gamma?: tf.Tensor, beta?: tf.Tensor): tf.Tensor {
  return fusedLayerNorm(x, LAYER_NORM_EPS, gamma, beta);
}

/** Exact (erf) GELU, PyTorch's default `nn.GELU()`. */
export { gelu } from '../../backend/normalization.js';

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
