import { defineKind, fail, ok } from '../kind.js';

/** The dataset's features and labels enter the graph here. */
export const Input = defineKind({
  type: 'Input',
  group: 'Data',
  role: 'input',
  summary: 'Features x and labels y from the dataset',
  doc: 'Feeds one batch of the graph\'s dataset: `x` holds the features, `y` the labels (class ids) or targets. Shapes come from the dataset chosen in the training panel.',
  inputs: [],
  outputs: [
    { name: 'x', doc: 'Features, [B, ...] as the dataset gives them' },
    { name: 'y', doc: 'Labels [B] (int32 class ids) or targets' },
  ],
  params: {},
  inferShapes({ dataset }) {
    if (!dataset) return fail({ message: 'the graph has no usable dataset, so the input shapes are unknown' });
    const x = dataset.x.dtype === 'int32' && dataset.vocab ? { ...dataset.x, range: dataset.vocab } : dataset.x;
    const y = dataset.y.dtype === 'int32' && dataset.numClasses ? { ...dataset.y, range: dataset.numClasses } : dataset.y;
    return ok({ x, y });
  },
  forward: ({ feed }) => ({ x: feed.x, y: feed.y }),
});
