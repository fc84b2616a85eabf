import { tf } from '../../tf.js';
import { type Backend, type KernelConfig, type NativeContext, type TensorInfo, allocFloat32, cpuKernel, nativeKernel, output, sizeOf, values, writeDimsPerAxis } from './context.js';

/**
 * Data movement on 4-byte data (float32, int32): Transpose, GatherV2 (batchDims 0) and
 * UnsortedSegmentSum (gather's gradient), Slice and SplitV (views where the piece is
 * contiguous, box copies elsewhere), PadV2 (Slice's gradient) and Tile. The cpu kernels
 * do the non-contiguous cases one element at a time through index arithmetic.
 */
export function movementKernels(ctx: NativeContext): KernelConfig[] {
  const sliceCpu = cpuKernel('Slice');
  const splitCpu = cpuKernel('SplitV');
  const padCpu = cpuKernel('PadV2');
  const tileCpu = cpuKernel('Tile');
  /** x[begin : begin+size] as a view when contiguous, else a copy. */
  const slice = (backend: Backend, x: TensorInfo, data: Float32Array | Int32Array, begin: number[], size: number[]): TensorInfo => {
    if (tf.slice_util.isSliceContinous(x.shape, begin, size)) {
      const offset = tf.slice_util.computeFlatOffset(begin, tf.util.computeStrides(x.shape));
      return output(backend, size, data.subarray(offset, offset + sizeOf(size)), x.dtype);
    }
    const out = like(backend, data, sizeOf(size));
    writeBox(ctx, x.shape, begin, size, size.map(() => 0), size);
    ctx.addon.copyBox(data, out);
    return output(backend, size, out, x.dtype);
  };
  const sliceKernels: KernelConfig[] = [
    nativeKernel<{ x: TensorInfo }, { begin: number | number[]; size: number | number[] }>('Slice', (backend, { x }, { begin, size }, args) => {
      const data = words(backend, x);
      if (!data || x.shape.length === 0 || x.shape.length > 8) return sliceCpu(args);
      const [b, s] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
      tf.slice_util.assertParamsValid(x as tf.Tensor, b, s);
      return slice(backend, x, data, b, s);
    }),
    nativeKernel<{ x: TensorInfo }, { numOrSizeSplits: number | number[]; axis: number }>('SplitV', (backend, { x }, { numOrSizeSplits, axis }, args) => {
      const data = words(backend, x);
      if (!data || x.shape.length > 8) return splitCpu(args);
      const ax = tf.util.parseAxisParam(axis, x.shape)[0];
      const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, ax);
      const begin = x.shape.map(() => 0);
      return sizes.map((n) => {
        const size = [...x.shape];
        size[ax] = n;
        const piece = slice(backend, x, data, [...begin], size);
        begin[ax] += n;
        return piece;
      });
    }),
    nativeKernel<{ x: TensorInfo }, { paddings: [number, number][]; constantValue: number }>('PadV2', (backend, { x }, { paddings, constantValue }, args) => {
      const data = words(backend, x);
      if (!data || x.shape.length === 0 || x.shape.length > 8) return padCpu(args);
      const outShape = paddings.map((p, i) => p[0] + x.shape[i] + p[1]);
      const out = like(backend, data, sizeOf(outShape));
      out.fill(constantValue);
      writeBox(ctx, x.shape, x.shape.map(() => 0), outShape, paddings.map((p) => p[0]), x.shape);
      ctx.addon.copyBox(data, out);
      return output(backend, outShape, out, x.dtype);
    }),
    nativeKernel<{ x: TensorInfo }, { reps: number[] }>('Tile', (backend, { x }, { reps }, args) => {
      const data = words(backend, x);
      const rank = x.shape.length;
      if (!data || rank === 0 || rank > 8 || reps.length !== rank) return tileCpu(args);
      const outShape = x.shape.map((d, i) => d * reps[i]);
      const out = like(backend, data, sizeOf(outShape));
      writeDimsPerAxis(ctx, x.shape, reps);
      ctx.addon.tile(data, out);
      return output(backend, outShape, out, x.dtype);
    }),
  ];
  const transposeCpu = cpuKernel('Transpose');
  const gatherCpu = cpuKernel('GatherV2');
  const segmentSumCpu = cpuKernel('UnsortedSegmentSum');
  return [
    ...sliceKernels,
    nativeKernel<{ x: TensorInfo }, { perm: number[] }>('Transpose', (backend, { x }, { perm }, args) => {
      const data = words(backend, x);
      const rank = x.shape.length;
      if (!data || rank > 8) return transposeCpu(args);
      writeDimsPerAxis(ctx, x.shape, perm);
      const out = like(backend, data, data.length);
      ctx.addon.transpose(data, out);
      return output(backend, perm.map((p) => x.shape[p]), out, x.dtype);
    }),
    nativeKernel<{ x: TensorInfo; indices: TensorInfo }, { axis: number; batchDims?: number }>('GatherV2', (backend, { x, indices }, { axis, batchDims }, args) => {
      const data = words(backend, x);
      const idx = values(backend, indices);
      if (!data || !(idx instanceof Int32Array) || (batchDims ?? 0) !== 0) return gatherCpu(args);
      const ax = tf.util.parseAxisParam(axis, x.shape)[0];
      const outer = sizeOf(x.shape.slice(0, ax));
      const dim = x.shape[ax];
      const inner = sizeOf(x.shape.slice(ax + 1));
      const out = like(backend, data, outer * idx.length * inner);
      const bad = ctx.addon.gather(data, idx, out, outer, dim, inner);
      if (bad >= 0) throw new Error(`GatherV2: the index value ${idx[bad]} is not in [0, ${dim - 1}]`);
      return output(backend, [...x.shape.slice(0, ax), ...indices.shape, ...x.shape.slice(ax + 1)], out, x.dtype);
    }),
    nativeKernel<{ x: TensorInfo; segmentIds: TensorInfo }, { numSegments: number }>('UnsortedSegmentSum', (backend, { x, segmentIds }, { numSegments }, args) => {
      const data = values(backend, x);
      const ids = values(backend, segmentIds);
      if (!(data instanceof Float32Array) || x.dtype !== 'float32' || !(ids instanceof Int32Array)) return segmentSumCpu(args);
      const rest = x.shape.slice(segmentIds.shape.length);
      const inner = sizeOf(rest);
      const out = allocFloat32(backend, numSegments * inner);
      ctx.addon.segmentSum(data, ids, out, numSegments, inner);
      return output(backend, [numSegments, ...rest], out);
    }),
  ];
}

/** The scratch layout of copyBox: [rank, srcDims, srcBegin, dstDims, dstBegin, size]. */
function writeBox(ctx: NativeContext, srcDims: number[], srcBegin: number[], dstDims: number[], dstBegin: number[], size: number[]): void {
  const r = srcDims.length;
  const s = ctx.scratch;
  s[0] = r;
  for (let i = 0; i < r; i++) {
    s[1 + i] = srcDims[i];
    s[1 + r + i] = srcBegin[i];
    s[1 + 2 * r + i] = dstDims[i];
    s[1 + 3 * r + i] = dstBegin[i];
    s[1 + 4 * r + i] = size[i];
  }
}

/** Float32 or int32 data (moved as 4-byte words); null for other dtypes. */
function words(backend: Backend, t: TensorInfo): Float32Array | Int32Array | null {
  const v = values(backend, t);
  if (t.dtype === 'float32' && v instanceof Float32Array) return v;
  if (t.dtype === 'int32' && v instanceof Int32Array) return v;
  return null;
}

function like(backend: Backend, data: Float32Array | Int32Array, n: number): Float32Array | Int32Array {
  return data instanceof Float32Array ? allocFloat32(backend, n) : new Int32Array(n);
}
