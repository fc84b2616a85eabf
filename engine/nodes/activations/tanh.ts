import { tf } from '../../tf.js';
import { defineKind } from '../kind.js';
import { elementwiseShape } from '../shapeRules.js';

export const Tanh = defineKind({
  type: 'Tanh',
  group: 'Activations',
  summary: 'Hyperbolic tangent, element-wise, into (-1, 1)',
  doc: 'Hyperbolic tangent `tanh(x)`, element-wise, as PyTorch `nn.Tanh`. Squashes values into (-1, 1).',
  inputs: [{ name: 'in', doc: 'Any float tensor' }],
  outputs: [{ name: 'out', doc: 'Same shape as the input' }],
  params: {},
  inferShapes: elementwiseShape,
  forward: ({ inputs }) => ({ out: tf.tanh(inputs.in) }),
});
