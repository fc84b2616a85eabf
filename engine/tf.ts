// The one place the engine imports TensorFlow.js from, so every module shares one
// tf instance (and one registry of kernels, gradients and backends).
import * as tf from '@tensorflow/tfjs';

// Production mode skips debug-only checks and the "install tfjs-node" banner the cpu
// backend prints; the engine reports the backend and why better ones were skipped itself.
tf.enableProdMode();

export { tf };
export type Tensor = tf.Tensor;
export type Variable = tf.Variable;
export type Scalar = tf.Scalar;
