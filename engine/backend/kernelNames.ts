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
