/**
 * Kernels the project defines itself (tfjs has no grouped matrix product). A backend
 * may register them; ops that use them check first and fall back to standard ops.
 */

/**
 * out[rows of group e] = x[rows of group e] · w[e] (+ b[e]); with transposeW, · w[e]ᵀ.
 * Inputs {x: [T, K], w: [E, K, M], b?: [E, M]}; attrs {sizes: number[] (rows per group,
 * summing to T), transposeW: boolean}. Out: [T, M] ([T, K] with transposeW, x then [T, M]).
 */
export const GROUPED_MATMUL = 'TensorloomGroupedMatMul';

/** dw[e] = x[rows of e]ᵀ · dy[rows of e]. Inputs {x: [T, K], dy: [T, M]}; attrs {sizes}. Out: [E, K, M]. */
export const GROUPED_WEIGHT_GRAD = 'TensorloomGroupedWeightGrad';

/** db[e] = Σ dy[rows of e]. Inputs {dy: [T, M]}; attrs {sizes}. Out: [E, M]. */
export const GROUPED_ROW_SUM = 'TensorloomGroupedRowSum';

/**
 * A sparsely dispatched mixture of ReLU MLP experts in one kernel (and one gradient):
 *   out[t] = Σ over assignments j of token t: g_j · (relu(x[t]·w1[e] + b1[e])·w2[e] + b2[e])
 * where assignment j sends token rows[j] to expert e (assignments grouped by expert,
 * sizes[e] per expert) with gate g_j = gates.flat[gateIndex[j]].
 * Inputs {x: [N, D], gates: [N, E], w1: [E, D, H], b1: [E, H], w2: [E, H, U], b2: [E, U],
 * rows: int32 [A], gateIndex: int32 [A]}; attrs {sizes}. Out: [N, U].
 */
export const MOE_EXPERTS = 'TensorloomMoEExperts';

/** LayerNorm over the last axis (biased variance, as PyTorch). Inputs {x}; attrs {eps}. Out: x's shape. */
export const LAYER_NORM = 'TensorloomLayerNorm';

/** LayerNorm then y·γ + β. Inputs {x, gamma: [D], beta: [D]}; attrs {eps}. Out: x's shape. */
export const LAYER_NORM_AFFINE = 'TensorloomLayerNormAffine';

/** Gradient of both. Inputs {dy, x} or {dy, x, gamma}; attrs {eps}. Out: [dx] or [dx, dgamma, dbeta]. */
export const LAYER_NORM_GRAD = 'TensorloomLayerNormGrad';

/** Exact GELU x·Φ(x) (PyTorch's nn.GELU()). Inputs {x}. Out: x's shape. */
export const GELU = 'TensorloomGelu';

/** dy·(Φ(x) + x·φ(x)). Inputs {dy, x}. Out: x's shape. */
export const GELU_GRAD = 'TensorloomGeluGrad';

/**
 * Mean softmax cross-entropy on class ids (torch's nn.CrossEntropyLoss with label_smoothing).
 * Inputs {logits: [N, C], labels: int32 [N]}; attrs {smoothing}. Out: a scalar.
 */
export const SOFTMAX_CROSS_ENTROPY = 'TensorloomSoftmaxCrossEntropy';

/** Its gradient with respect to the logits. Inputs {dy: scalar, logits, labels}; attrs {smoothing}. Out: [N, C]. */
export const SOFTMAX_CROSS_ENTROPY_GRAD = 'TensorloomSoftmaxCrossEntropyGrad';

/**
 * ModLin's product y = (x ⊙ m_u)·W + b. Inputs {x: [B, U, T, in], modulation: [U, in],
 * weight: [in, out], bias: [out]}. Out: [B, U, T, out].
 */
export const MODULATED_LINEAR = 'TensorloomModulatedLinear';

/** Its gradient. Inputs {dy, x, modulation, weight}. Out: [dx, dmodulation, dweight, dbias]. */
export const MODULATED_LINEAR_GRAD = 'TensorloomModulatedLinearGrad';

/** A Linear layer's y = x·W + b in one product. Inputs {x: [N, K], weight: [K, M], bias: [M]}. Out: [N, M]. */
export const LINEAR = 'TensorloomLinear';

/**
 * The fraction of rows whose largest logit (the first, on a tie, as tf.argMax) is the
 * label. Inputs {logits: [N, C], labels: int32 [N]}. Out: a scalar. Not differentiable.
 */
export const CLASS_ACCURACY = 'TensorloomClassAccuracy';

/**
 * ReLU's gradient dy ⊙ step(x) in one pass, as tfjs computes it (NaN where x is NaN).
 * Inputs {a: dy, b: x}, of one shape. Out: their shape.
 */
export const RELU_GRAD = 'TensorloomReluGrad';
