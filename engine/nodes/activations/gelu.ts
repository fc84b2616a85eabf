import { tf } from '../../tf.js';
import { defineKind } from '../kind.js';
import { elementwiseShape } from '../shapeRules.js';
import { gelu as geluExact } from '../../backend/normalization.js';

/**
 * GELU as PyTorch's nn.GELU: the exact form x·Φ(x) = ½x(1 + erf(x/√2)) by default, or the
 * tanh approximation ½x(1 + tanh(√(2/π)(x + 0.044715x³))) that GPT-2 and BERT used.
 */
export const GELU = defineKind({
  type: 'GELU',
  group: 'Activations',
  summary: 'Gaussian error linear unit, x·Φ(x)',
  doc: 'Gaussian error linear unit `x·Φ(x)`, where Φ is the standard normal CDF, as PyTorch `nn.GELU`. `approximate: "none"` (the default) uses the exact erf form; `"tanh"` uses the tanh approximation of older Transformers.',
  inputs: [{ name: 'in', doc: 'Any float tensor' }],
  outputs: [{ name: 'out', doc: 'Same shape as the input' }],
  params: {
    approximate: { kind: 'enum', default: 'none', options: ['none', 'tanh'] as const, doc: '"none": exact erf form (PyTorch default); "tanh": tanh approximation' },
  },
  inferShapes: elementwiseShape,
  forward: ({ inputs, params }) => ({ out: params.approximate === 'tanh' ? geluTanh(inputs.in) : geluExact(inputs.in) }),
});


export function geluTanh(x: tf.Tensor): tf.Tensor {
  const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))));
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(inner)));
}
