import { tf } from '../../tf.js';
import { defineKind } from '../kind.js';
import { elementwiseShape } from '../shapeRules.js';

export const ReLU = defineKind({
  type: 'ReLU',
  group: 'Activations',
  summary: 'max(0, x), element-wise',
  doc: 'Rectified linear unit: `max(0, x)`. Each unit\'s sign is a branch of the decision tree the tree panel extracts.',
  inputs: [{ name: 'in', doc: 'Any float tensor' }],
  outputs: [{ name: 'out', doc: 'Same shape as the input' }],
  params: {},
  inferShapes: elementwiseShape,
  forward: ({ inputs }) => ({ out: tf.relu(inputs.in) }),
});
