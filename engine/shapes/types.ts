/**
 * Symbolic tensor types. The batch dimension is symbolic ('B') so shape inference runs
 * once per edit without knowing the batch size, as tfjs-layers does with `null`.
 */
export type Dim = number | 'B';
export type DType = 'float32' | 'int32';

export interface TensorType {
  shape: Dim[];
  dtype: DType;
  /** For int32 ids (class labels, tokens): values lie in [0, range). Lets shape rules check class and vocabulary counts. */
  range?: number;
}

export const BATCH: Dim = 'B';

export function tensorType(shape: Dim[], dtype: DType = 'float32'): TensorType {
  return { shape, dtype };
}

export function formatShape(type: TensorType): string {
  const dims = type.shape.map((d) => String(d)).join('×');
  return type.dtype === 'float32' ? `[${dims}]` : `[${dims}] ${type.dtype}`;
}

export function sameShape(a: Dim[], b: Dim[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Number of elements per sample: the product of all dims but the batch one. */
export function sampleSize(shape: Dim[]): number {
  return shape.reduce<number>((n, d) => (d === 'B' ? n : n * d), 1);
}

/** Concrete shape for one batch of size `batch`. */
export function concreteShape(shape: Dim[], batch: number): number[] {
  return shape.map((d) => (d === 'B' ? batch : d));
}
