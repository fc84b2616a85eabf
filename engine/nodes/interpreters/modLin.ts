import { tf } from '../../tf.js';
import type { VariableSpec } from '../kind.js';
import { linear } from '../layers/linear.js';
import { modulatedLinear } from '../../backend/modulatedLinear.js';
import { layerNorm, need } from './ops.js';

/**
 * Variables of one ModLin layer, PyTorch-style initialisation (nn.Linear's U(±1/√fan_in)):
 * - `<prefix>.weight` W, stored [in, out] (tfjs' matMul layout, the transpose of PyTorch's),
 * - `<prefix>.bias` b [out],
 * - `<prefix>.W_c` W_c, stored [codeDim, in] (the transpose of the paper's d_in × d_cond).
 * All three are shared by every function of the script: only the code c_u differs.
 */
export function modLinSpecs(prefix: string, inDim: number, outDim: number, codeDim: number): VariableSpec[] {
  const limit = 1 / Math.sqrt(inDim);
  return [
    { name: `${prefix}.weight`, shape: [inDim, outDim], init: { kind: 'uniform', limit } },
    { name: `${prefix}.bias`, shape: [outDim], init: { kind: 'uniform', limit } },
    { name: `${prefix}.W_c`, shape: [codeDim, inDim], init: { kind: 'uniform', limit: 1 / Math.sqrt(codeDim) } },
  ];
}

/**
 * ModLin(x; c) = W x′ + b with x′ = x ⊗ LayerNorm(W_c c), for every function at once.
 * x: [B, U, T, in], one stream per function u; codes: [U, codeDim] → [B, U, T, out].
 * The LayerNorm of the modulation has no affine γ, β: the post writes none, and W right
 * after it can take up a per-feature gain.
 */
export function modLin(x: tf.Tensor, codes: tf.Tensor, vars: Record<string, tf.Tensor>, prefix: string): tf.Tensor {
  const [functions, inDim] = [codes.shape[0], x.shape[x.rank - 1]];
  // LayerNorm(W_c c_u) for all u in one matMul: [U, codeDim]·[codeDim, in] → [U, in].
  const modulation = layerNorm(tf.matMul(codes as tf.Tensor2D, need(vars, `${prefix}.W_c`) as tf.Tensor2D));
  if (x.rank === 4) return modulatedLinear(x, modulation, need(vars, `${prefix}.weight`), need(vars, `${prefix}.bias`));
  const xPrime = tf.mul(x, tf.reshape(modulation, [1, functions, 1, inDim]));
  return linear(xPrime, need(vars, `${prefix}.weight`), need(vars, `${prefix}.bias`));
}
