import type { TensorType } from '../shapes/types.js';

/**
 * What a dataset feeds the graph's Input node, known without loading the data,
 * so shape inference can run on every edit.
 */
export interface DatasetSpec {
  name: string;
  task: 'classification' | 'regression' | 'distribution';
  /** Features; the first dim is the symbolic batch 'B'. */
  x: TensorType;
  /** Labels (int32 class ids, shape ['B']) or targets (float32). */
  y: TensorType;
  numClasses?: number;
  classNames?: string[];
  featureNames?: string[];
  /** For token inputs (int32 x): the number of distinct token ids. */
  vocab?: number;
}

/** A split held as flat typed arrays; batches are cut from them. */
export interface DataSplit {
  x: Float32Array | Int32Array;
  y: Float32Array | Int32Array;
  count: number;
}

export interface LoadedDataset {
  spec: DatasetSpec;
  train: DataSplit;
  test: DataSplit;
}
