import { tf } from '../../tf.js';
import { type Backend, type KernelConfig, type NativeContext, type TensorInfo, allocFloat32, cpuKernel, floats, isFloat, nativeKernel, output, sizeOf, values, writeDimsPerAxis } from './context.js';

/**
 * Sum, Mean, Max, Min, Prod, ArgMax, ArgMin over one contiguous run of axes (any
 * position, so a bias gradient's sum over the batch axis needs no transpose), and
 * Softmax over the last axis in one pass per row.
 */
export function reduceKernels(ctx: NativeContext): KernelConfig[] {
  const reductions = ctx.addon.reduceOps.map((name): KernelConfig => {
    const fallback = cpuKernel(name);
    const op = ctx.code.reduce.get(name)!;
    return nativeKernel<{ x: TensorInfo }, ReduceAttrs>(name, (backend, { x }, attrs, args) => {
      const axis = name === 'Max' ? attrs.reductionIndices : attrs.axis;
      if (!isFloat(backend, x)) {
        const ints = intReduction(name, backend, x, axis, attrs.keepDims ?? false);
        return ints ?? fallback(args);
      }
      const plan = planAxes(x.shape, axis);
      if (plan) {
        const out = allocFloat32(backend, plan.outer * plan.inner);
        ctx.addon.reduce(op, floats(backend, x), out, plan.outer, plan.n, plan.inner);
        return output(backend, keptShape(plan.outShape, plan.axes, attrs.keepDims), out);
      }
      // Scattered axes: summed in one pass; other reductions move them last, then reduce rows.
      const axes = [...tf.util.parseAxisParam(axis ?? (null as unknown as number), x.shape)].sort((p, q) => p - q);
      const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
      if (x.shape.length > 8 || axes.length === 0) return fallback(args);
      const data = floats(backend, x);
      const outShape = kept.map((i) => x.shape[i]);
      if (name === 'Sum' || name === 'Mean') {
        // One pass in memory order (a broadcast's gradient, most often).
        writeDimsPerAxis(ctx, x.shape, x.shape.map((_, i) => (axes.includes(i) ? 1 : 0)));
        const out = allocFloat32(backend, sizeOf(outShape));
        ctx.addon.sumScattered(data, out, name === 'Mean' ? 1 : 0);
        return output(backend, keptShape(outShape, axes, attrs.keepDims), out);
      }
      const moved = allocFloat32(backend, data.length);
      writeDimsPerAxis(ctx, x.shape, [...kept, ...axes]);
      ctx.addon.transpose(data, moved);
      const n = sizeOf(axes.map((i) => x.shape[i]));
      const out = allocFloat32(backend, sizeOf(outShape));
      ctx.addon.reduce(op, moved, out, sizeOf(outShape), n, 1);
      (backend as { pool?: { giveBack(a: Float32Array): void } }).pool?.giveBack(moved);
      return output(backend, keptShape(outShape, axes, attrs.keepDims), out);
    });
  });
  const argReductions = ctx.addon.argReduceOps.map((name): KernelConfig => {
    const fallback = cpuKernel(name);
    const op = ctx.code.argReduce.get(name)!;
    return nativeKernel<{ x: TensorInfo }, { axis: number }>(name, (backend, { x }, attrs, args) => {
      const plan = isFloat(backend, x) ? planAxes(x.shape, attrs.axis) : null;
      if (!plan || plan.axes.length !== 1 || plan.n === 0) return fallback(args);
      const out = new Int32Array(plan.outer * plan.inner);
      ctx.addon.argReduce(op, floats(backend, x), out, plan.outer, plan.n, plan.inner);
      return output(backend, plan.outShape, out, 'int32');
    });
  });
  const softmaxCpu = cpuKernel('Softmax');
  const softmax = nativeKernel<{ logits: TensorInfo }, { dim: number }>('Softmax', (backend, { logits }, { dim }, args) => {
    const rank = logits.shape.length;
    if (!isFloat(backend, logits) || rank === 0 || (dim !== -1 && dim !== rank - 1)) return softmaxCpu(args);
    const cols = logits.shape[rank - 1];
    const input = floats(backend, logits);
    const out = allocFloat32(backend, input.length);
    ctx.addon.softmax(input, out, cols === 0 ? 0 : input.length / cols, cols);
    return output(backend, logits.shape, out);
  });
  const topkCpu = cpuKernel('TopK');
  const topk = nativeKernel<{ x: TensorInfo }, { k: number; sorted: boolean }>('TopK', (backend, { x }, { k, sorted }, args) => {
    const rank = x.shape.length;
    // Unsorted results may come in any order; the cpu kernel's is the reference there.
    if (!isFloat(backend, x) || rank === 0 || sorted === false) return topkCpu(args);
    const cols = x.shape[rank - 1];
    const data = floats(backend, x);
    const rows = cols === 0 ? 0 : data.length / cols;
    const vals = allocFloat32(backend, rows * k);
    const idx = new Int32Array(rows * k);
    ctx.addon.topk(data, vals, idx, rows, cols, k);
    const shape = [...x.shape.slice(0, -1), k];
    return [output(backend, shape, vals), output(backend, shape, idx, 'int32')];
  });
  return [...reductions, ...argReductions, softmax, topk];
}

/**
 * Sum, Max, Min and Prod of int32 (and Sum of bool) in plain loops over [outer, n, inner]:
 * the cpu kernels first transpose the reduced axes to the end, element by element.
 */
function intReduction(name: string, backend: Backend, x: TensorInfo, axis: number | number[] | undefined, keepDims: boolean): TensorInfo | null {
  const data = values(backend, x);
  // int32 tensors may hold a Float32Array (the cpu OneHot and Cast store them so).
  const ints = x.dtype === 'int32' && (data instanceof Int32Array || data instanceof Float32Array);
  const bools = x.dtype === 'bool' && data instanceof Uint8Array && name === 'Sum';
  if (!(ints || bools) || !['Sum', 'Max', 'Min', 'Prod'].includes(name)) return null;
  const plan = planAxes(x.shape, axis);
  if (!plan || plan.n === 0) return null;
  const { outer, n, inner } = plan;
  const out = new Int32Array(outer * inner);
  const source = data as Int32Array | Float32Array | Uint8Array;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let at = o * n * inner + i;
      let acc = source[at];
      for (let j = 1; j < n; j++) {
        at += inner;
        const v = source[at];
        if (name === 'Sum') acc += v;
        else if (name === 'Max') acc = v > acc ? v : acc;
        else if (name === 'Min') acc = v < acc ? v : acc;
        else acc *= v;
      }
      out[o * inner + i] = acc;
    }
  }
  return output(backend, keptShape(plan.outShape, plan.axes, keepDims), out, 'int32');
}

type ReduceAttrs = { axis?: number | number[]; reductionIndices?: number | number[]; keepDims?: boolean };

/** The reduced shape, with the reduced axes kept as size 1 when keepDims is on. */
function keptShape(outShape: number[], axes: number[], keepDims: boolean | undefined): number[] {
  return keepDims ? tf.backend_util.expandShapeToKeepDim(outShape, axes) : outShape;
}

interface AxesPlan {
  axes: number[];
  outShape: number[];
  outer: number;
  n: number;
  inner: number;
}

/** The reduction as [outer, n, inner], or null when the axes are not one contiguous run. */
function planAxes(shape: number[], axis: number | number[] | undefined | null): AxesPlan | null {
  const axes = [...tf.util.parseAxisParam(axis ?? (null as unknown as number), shape)].sort((p, q) => p - q);
  if (axes.length === 0) return null;
  for (let i = 1; i < axes.length; i++) if (axes[i] !== axes[i - 1] + 1 && axes[i] !== axes[i - 1]) return null;
  const first = axes[0];
  const last = axes[axes.length - 1];
  return {
    axes,
    outShape: shape.filter((_, i) => i < first || i > last),
    outer: sizeOf(shape.slice(0, first)),
    n: sizeOf(shape.slice(first, last + 1)),
    inner: sizeOf(shape.slice(last + 1)),
  };
}
