import { tf } from '../../tf.js';
import { type Backend, type KernelConfig, type NativeContext, type TensorInfo, allocFloat32, cpuKernel, output, sizeOf, values } from './context.js';

/** Transpose, GatherV2 (batchDims 0) and UnsortedSegmentSum (gather's gradient) on 4-byte data. */
export function movementKernels(ctx: NativeContext): KernelConfig[] {
  const transposeCpu = cpuKernel('Transpose');
  const gatherCpu = cpuKernel('GatherV2');
  const segmentSumCpu = cpuKernel('UnsortedSegmentSum');
  return [
    {
      kernelName: 'Transpose',
      backendName: 'native',
      kernelFunc: (args) => {
        const backend = args.backend as Backend;
        const { x } = args.inputs as { x: TensorInfo };
        const { perm } = args.attrs as unknown as { perm: number[] };
        const data = words(backend, x);
        const rank = x.shape.length;
        if (!data || rank > 8) return transposeCpu(args);
        const s = ctx.scratch;
        s[0] = rank;
        for (let i = 0; i < rank; i++) {
          s[1 + i] = x.shape[i];
          s[1 + rank + i] = perm[i];
        }
        const out = like(backend, data, data.length);
        ctx.addon.transpose(data, out);
        return output(backend, perm.map((p) => x.shape[p]), out, x.dtype);
      },
    },
    {
      kernelName: 'GatherV2',
      backendName: 'native',
      kernelFunc: (args) => {
        const backend = args.backend as Backend;
        const { x, indices } = args.inputs as { x: TensorInfo; indices: TensorInfo };
        const { axis, batchDims } = args.attrs as { axis: number; batchDims?: number };
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
      },
    },
    {
      kernelName: 'UnsortedSegmentSum',
      backendName: 'native',
      kernelFunc: (args) => {
        const backend = args.backend as Backend;
        const { x, segmentIds } = args.inputs as { x: TensorInfo; segmentIds: TensorInfo };
        const { numSegments } = args.attrs as { numSegments: number };
        const data = values(backend, x);
        const ids = values(backend, segmentIds);
        if (!(data instanceof Float32Array) || x.dtype !== 'float32' || !(ids instanceof Int32Array)) return segmentSumCpu(args);
        const rest = x.shape.slice(segmentIds.shape.length);
        const inner = sizeOf(rest);
        const out = allocFloat32(backend, numSegments * inner);
        ctx.addon.segmentSum(data, ids, out, numSegments, inner);
        return output(backend, [numSegments, ...rest], out);
      },
    },
  ];
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
