import { tf } from '../../tf.js';
import { defineKind } from '../kind.js';
import { elementwiseShape } from '../shapeRules.js';

export const Sigmoid = defineKind({
  type: 'Sigmoid',
  group: 'Activations',
  summary: 'Logistic function 1/(1+e^-x), element-wise, into (0, 1)',
  doc: 'Logistic sigmoid `1 / (1 + exp(-x))`, element-wise, as PyTorch `nn.Sigmoid`. Squashes values into (0, 1), e.g. for gates.',
  inputs: [{ name: 'in', doc: 'Any float tensor' }],
  outputs: [{ name: 'out', doc: 'Same shape as the input' }],
  params: {},
  inferShapes: elementwiseShape,
  forward: ({ inputs }) => ({ out: tf.sigmoid(inputs.in) }),
});
