import { tf } from '../../tf.js';
import { RELU_GRAD } from '../kernelNames.js';
import { type Backend, type KernelConfig, type NativeContext, type TensorInfo, allocFloat32, cpuKernel, floats, isFloat, nativeKernel, output, sizeOf, values } from './context.js';

/**
 * Every unary and binary op the addon lists: float32 arithmetic, int32 arithmetic,
 * comparisons and logic; other dtypes go to the cpu kernels. And Cast to float32.
 */
export function elementwiseKernels(ctx: NativeContext): KernelConfig[] {
  const unary = ctx.addon.unaryOps.map((name): KernelConfig => {
    const fallback = cpuKernel(name);
    const op = ctx.code.unary.get(name)!;
    return nativeKernel<{ x: TensorInfo }, Record<string, number>>(name, (backend, { x }, attrs, args) => {
      if (!isFloat(backend, x)) return fallback(args);
      const [alpha, beta] = unaryParams(name, attrs);
      const input = floats(backend, x);
      const out = allocFloat32(backend, input.length);
      ctx.addon.unary(op, input, out, alpha, beta);
      return output(backend, x.shape, out);
    });
  });
  const names = new Set([...ctx.addon.binaryOps, ...ctx.addon.intOps, ...ctx.addon.compareOps, ...ctx.addon.logicalOps]);
  names.delete(RELU_GRAD); // the project's own, below: tfjs has no cpu kernel to fall back on
  const binary = [...names].map((name): KernelConfig => {
    const fallback = cpuKernel(name);
    // Prelu's inputs are {x, alpha}; the others' {a, b}.
    const [first, second] = name === 'Prelu' ? ['x', 'alpha'] : ['a', 'b'];
    return nativeKernel<Record<string, TensorInfo>>(name, (backend, inputs, _attrs, args) => {
      const a = inputs[first];
      const b = inputs[second];
      return binaryInto(ctx, backend, name, a, b) ?? typedBinary(ctx, backend, name, a, b) ?? fallback(args);
    });
  });
  const castCpu = cpuKernel('Cast');
  // The cpu backend's Cast to float32 relabels int32 and bool data without converting
  // it; converting here gives the native kernels real float32 arrays to work on.
  const cast = nativeKernel<{ x: TensorInfo }, { dtype: tf.DataType }>('Cast', (backend, { x }, { dtype }, args) => {
    const data = values(backend, x);
    if (dtype !== 'float32' || (x.dtype !== 'int32' && x.dtype !== 'bool') || !(data instanceof Int32Array || data instanceof Uint8Array)) {
      return castCpu(args);
    }
    const out = allocFloat32(backend, data.length);
    out.set(data);
    return output(backend, x.shape, out);
  });
  // ReLU's gradient (engine/backend/reluGradient.ts): dy and x of one shape, both float32,
  // so one flat pass whatever the rank.
  const reluGrad = nativeKernel<{ a: TensorInfo; b: TensorInfo }>(RELU_GRAD, (backend, { a: dy, b: x }) => {
    const n = sizeOf(x.shape);
    const flat = binaryInto(ctx, backend, RELU_GRAD, { ...dy, shape: [n] }, { ...x, shape: [n] });
    if (!flat) throw new Error(`${RELU_GRAD}: float32 dy and x of one shape expected, got ${dy.dtype} [${dy.shape}] and ${x.dtype} [${x.shape}]`);
    return { ...flat, shape: x.shape };
  });
  return [...unary, ...binary, cast, reluGrad];
}

/** Int32 arithmetic, comparisons (float32 or int32 into bool) and logic on bools; null for other cases. */
function typedBinary(ctx: NativeContext, backend: Backend, name: string, a: TensorInfo, b: TensorInfo): TensorInfo | null {
  const av = values(backend, a);
  const bv = values(backend, b);
  let family: number;
  let op: number | undefined;
  if ((op = ctx.code.int.get(name)) !== undefined && a.dtype === 'int32' && b.dtype === 'int32' && av instanceof Int32Array && bv instanceof Int32Array) family = 0;
  else if (
    (op = ctx.code.compare.get(name)) !== undefined &&
    a.dtype === b.dtype &&
    ((a.dtype === 'float32' && av instanceof Float32Array && bv instanceof Float32Array) || (a.dtype === 'int32' && av instanceof Int32Array && bv instanceof Int32Array))
  ) family = 1;
  else if ((op = ctx.code.logical.get(name)) !== undefined && a.dtype === 'bool' && b.dtype === 'bool' && av instanceof Uint8Array && bv instanceof Uint8Array) family = 2;
  else return null;
  const outShape = writeBroadcastShapes(ctx, a.shape, b.shape);
  if (!outShape) return null;
  const n = sizeOf(outShape);
  const out = family === 0 ? new Int32Array(n) : new Uint8Array(n);
  ctx.addon.binaryTyped(family, op, av as Int32Array, bv as Int32Array, out);
  return output(backend, outShape, out, family === 0 ? 'int32' : 'bool');
}

/** The broadcast shape of a and b, with [rank, out, a, b dims] written to the scratch buffer; null above rank 8. */
function writeBroadcastShapes(ctx: NativeContext, aShape: number[], bShape: number[]): number[] | null {
  const outShape = tf.backend_util.assertAndGetBroadcastShape(aShape, bShape);
  const rank = outShape.length;
  if (rank > 8) return null;
  const s = ctx.scratch;
  s[0] = rank;
  for (let i = 0; i < rank; i++) {
    s[1 + i] = outShape[i];
    s[1 + rank + i] = i < rank - aShape.length ? 1 : aShape[i - (rank - aShape.length)];
    s[1 + 2 * rank + i] = i < rank - bShape.length ? 1 : bShape[i - (rank - bShape.length)];
  }
  return outShape;
}

function unaryParams(name: string, attrs: Record<string, number> | undefined): [number, number] {
  switch (name) {
    case 'Step':
      return [attrs?.alpha ?? 0, 0];
    case 'LeakyRelu':
      return [attrs?.alpha ?? 0.2, 0];
    case 'ClipByValue':
      return [attrs?.clipValueMin ?? -Infinity, attrs?.clipValueMax ?? Infinity];
    default:
      return [0, 0];
  }
}

/** a ∘ b with broadcasting, as a new float32 tensor; null when an operand is not float32 or the rank exceeds 8. */
export function binaryInto(ctx: NativeContext, backend: Backend, name: string, a: TensorInfo, b: TensorInfo): TensorInfo | null {
  const op = ctx.code.binary.get(name);
  if (op === undefined || !isFloat(backend, a) || !isFloat(backend, b)) return null;
  const outShape = writeBroadcastShapes(ctx, a.shape, b.shape);
  if (!outShape) return null;
  const out = allocFloat32(backend, sizeOf(outShape));
  ctx.addon.binary(op, floats(backend, a), floats(backend, b), out);
  return output(backend, outShape, out);
}
