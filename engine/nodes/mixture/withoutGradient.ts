import { tf } from '../../tf.js';

/**
 * Runs `compute` as one opaque op whose inputs receive a zero gradient (tfjs has no
 * `stopGradient`). Ops inside a customGrad forward are not recorded on the tape, so
 * kernels without a gradient (TopK, or Greater on wasm/cpu) can be used here even when
 * the inputs are being differentiated: their result then acts as a constant.
 */
export function withoutGradient<T extends tf.Tensor>(inputs: tf.Tensor[], compute: (...xs: tf.Tensor[]) => T): T {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    // customGrad appends its save function after the tensors.
    const xs = args.slice(0, inputs.length) as tf.Tensor[];
    return { value: compute(...xs), gradFunc: () => xs.map((x) => tf.zerosLike(x)) };
  });
  return op(...inputs) as T;
}
