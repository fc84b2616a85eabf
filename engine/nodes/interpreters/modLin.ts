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
 * The codes c_u of a script's functions, [U, codeDim], with each ModLin's modulation
 * LayerNorm(W_c c_u) computed on first use and then reused. One is made per forward pass of
 * a node: every FnIter of a script uses the same codes and W_c, so a modulation is computed
 * once rather than once per iteration, and its gradients from all iterations add up before one
 * LayerNorm and one product backward.
 */
export class FunctionCodes {
  private readonly modulations = new Map<string, tf.Tensor>();

  constructor(
    readonly codes: tf.Tensor,
    private readonly vars: Record<string, tf.Tensor>,
  ) {}

  /** U, the number of functions. */
  get count(): number {
    return this.codes.shape[0];
  }

  /** LayerNorm(W_c c_u) of the ModLin `prefix`, for all u in one matMul: [U, codeDim]·[codeDim, in] → [U, in]. */
  modulation(prefix: string): tf.Tensor {
    let m = this.modulations.get(prefix);
    if (!m) {
      m = layerNorm(tf.matMul(this.codes as tf.Tensor2D, need(this.vars, `${prefix}.W_c`) as tf.Tensor2D));
      this.modulations.set(prefix, m);
    }
    return m;
  }
}

/**
 * ModLin(x; c) = W x′ + b with x′ = x ⊗ LayerNorm(W_c c), for every function at once.
 * x: [B, U, T, in], one stream per function u → [B, U, T, out].
 * The LayerNorm of the modulation has no affine γ, β: the post writes none, and W right
 * after it can take up a per-feature gain.
 */
export function modLin(x: tf.Tensor, codes: FunctionCodes, vars: Record<string, tf.Tensor>, prefix: string): tf.Tensor {
  const inDim = x.shape[x.rank - 1];
  const modulation = codes.modulation(prefix);
  if (x.rank === 4) return modulatedLinear(x, modulation, need(vars, `${prefix}.weight`), need(vars, `${prefix}.bias`));
  const xPrime = tf.mul(x, tf.reshape(modulation, [1, codes.count, 1, inDim]));
  return linear(xPrime, need(vars, `${prefix}.weight`), need(vars, `${prefix}.bias`));
}
