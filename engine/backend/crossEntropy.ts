import { tf } from '../tf.js';
import { CLASS_ACCURACY, SOFTMAX_CROSS_ENTROPY, SOFTMAX_CROSS_ENTROPY_GRAD } from './kernelNames.js';

/**
 * Mean softmax cross-entropy of logits [N, C] against int32 class ids [N], with label
 * smoothing, as torch's nn.CrossEntropyLoss. One kernel forward and one backward where the
 * backend registers them (native); elsewhere logSoftmax, oneHot and a weighted sum. A label
 * outside [0, C) contributes only its smoothing part (oneHot gives it a zero row).
 */
export function softmaxCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D, smoothing: number): tf.Scalar {
  if (logits.dtype === 'float32' && labels.dtype === 'int32' && tf.getKernel(SOFTMAX_CROSS_ENTROPY, tf.getBackend())) {
    return tf.engine().runKernel(SOFTMAX_CROSS_ENTROPY, { logits, labels }, { smoothing } as unknown as tf.NamedAttrMap) as tf.Scalar;
  }
  const classes = logits.shape[1];
  const logProbs = tf.logSoftmax(logits);
  let target = tf.oneHot(labels, classes).toFloat();
  if (smoothing > 0) target = tf.add(tf.mul(target, 1 - smoothing), smoothing / classes);
  return tf.neg(tf.mean(tf.sum(tf.mul(target, logProbs), -1))) as tf.Scalar;
}

/**
 * The fraction of rows of logits [N, C] whose largest entry is at the label (int32 [N]): one
 * kernel where the backend registers it (native), else argMax, equal and mean.
 */
export function classAccuracy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  if (logits.dtype === 'float32' && labels.dtype === 'int32' && tf.getKernel(CLASS_ACCURACY, tf.getBackend())) {
    return tf.engine().runKernel(CLASS_ACCURACY, { logits, labels }) as tf.Scalar;
  }
  return tf.mean(tf.equal(tf.argMax(logits, -1), labels).toFloat()) as tf.Scalar;
}

tf.registerGradient({
  kernelName: SOFTMAX_CROSS_ENTROPY,
  inputsToSave: ['logits', 'labels'],
  gradFunc: (dy, [logits, labels], attrs) => ({
    logits: () => tf.engine().runKernel(SOFTMAX_CROSS_ENTROPY_GRAD, { dy: dy as tf.Tensor, logits, labels }, attrs) as tf.Tensor,
    // Class ids are not differentiable; tfjs asks every input for a gradient.
    labels: () => tf.zerosLike(labels),
  }),
});
