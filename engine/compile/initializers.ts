import { tf } from '../tf.js';
import type { Initializer } from '../nodes/kind.js';

/** Initial value of a variable, reproducible from its seed on every backend. */
export function initialValue(shape: number[], init: Initializer, seed: number): tf.Tensor {
  switch (init.kind) {
    case 'zeros':
      return tf.zeros(shape);
    case 'ones':
      return tf.ones(shape);
    case 'constant':
      return tf.fill(shape, init.value);
    case 'uniform':
      return tf.randomUniform(shape, -init.limit, init.limit, 'float32', seed);
    case 'normal':
      return tf.randomNormal(shape, 0, init.std, 'float32', seed);
  }
}
