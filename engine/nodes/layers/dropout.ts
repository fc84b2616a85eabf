import { tf } from '../../tf.js';
import { defineKind } from '../kind.js';
import { elementwiseShape } from '../shapeRules.js';

/**
 * Inverted dropout, as PyTorch's nn.Dropout(p): at training each unit is zeroed with
 * probability `rate` and the kept ones are scaled by 1/(1-rate), so nothing changes at eval.
 */
export const Dropout = defineKind({
  type: 'Dropout',
  group: 'Layers',
  summary: 'Zeroes units at random while training',
  doc: 'While training, sets each value to 0 with probability `rate` and multiplies the kept values by `1/(1-rate)` (inverted dropout, as PyTorch `nn.Dropout(p=rate)`), so the expected value is unchanged. At evaluation it passes its input through unchanged. The mask comes from the run\'s seed, so a run with the same seed drops the same units.',
  inputs: [{ name: 'in', doc: 'Any float tensor' }],
  outputs: [{ name: 'out', doc: 'Same shape as the input' }],
  params: {
    rate: { kind: 'number', default: 0.5, min: 0, max: 0.99, doc: 'Probability of dropping each value (PyTorch\'s p)' },
  },
  inferShapes: elementwiseShape,
  forward({ inputs, params, training, seed }) {
    const x = inputs.in;
    if (!training || params.rate === 0) return { out: x };
    return { out: tf.mul(x, dropoutScale(x.shape, params.rate, seed)) };
  },
});

/**
 * The multiplier of inverted dropout: 0 where dropped, 1/(1-rate) where kept. It is
 * drawn from a seeded uniform (generated in JS, so every backend gets the same mask)
 * and depends on nothing differentiated, so no comparison ends up on the gradient path.
 */
export function dropoutScale(shape: number[], rate: number, seed: number): tf.Tensor {
  return tf.tidy(() => {
    const uniform = tf.randomUniform(shape, 0, 1, 'float32', seed);
    return tf.mul(tf.cast(tf.greaterEqual(uniform, rate), 'float32'), 1 / (1 - rate));
  });
}
