import type { LoadedDataset } from '../data/spec.js';
import type { DatasetPreview } from '../protocol/messages.js';
import { sampleSize } from '../shapes/types.js';

/** Values a preview may carry in all (5000 2-D points, or a few hundred MNIST digits). */
export const MAX_PREVIEW_VALUES = 1 << 20;

/**
 * A sample of a dataset's train split for the preview panel: up to `limit` examples,
 * evenly spaced through the split so every class shows even where the split is
 * ordered, each as its flat feature row and its label (the first target value for
 * regression).
 */
export function datasetPreview(data: LoadedDataset, limit: number): DatasetPreview {
  const { spec, train, test } = data;
  const rowSize = sampleSize(spec.x.shape);
  const ySize = sampleSize(spec.y.shape);
  const count = Math.min(limit, train.count, Math.max(1, Math.floor(MAX_PREVIEW_VALUES / Math.max(1, rowSize))));
  const x: number[][] = [];
  const y: number[] = [];
  for (let k = 0; k < count; k++) {
    const i = Math.floor((k * train.count) / count);
    x.push(Array.from(train.x.subarray(i * rowSize, (i + 1) * rowSize)));
    y.push(train.y[i * ySize]);
  }
  return {
    spec: {
      name: spec.name,
      task: spec.task,
      x: spec.x,
      y: spec.y,
      ...(spec.numClasses !== undefined ? { numClasses: spec.numClasses } : {}),
      ...(spec.classNames ? { classNames: spec.classNames } : {}),
    },
    x,
    y,
    trainCount: train.count,
    testCount: test.count,
  };
}
