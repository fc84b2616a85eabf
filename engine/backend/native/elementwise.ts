import { tf } from '../../tf.js';
import { type Backend, type KernelConfig, type NativeContext, type TensorInfo, allocFloat32, cpuKernel, floats, isFloat, output, sizeOf } from './context.js';

/** Every unary and binary op the addon lists, for float32; other dtypes go to the cpu kernels. */
export function elementwiseKernels(ctx: NativeContext): KernelConfig[] {
  const unary = ctx.addon.unaryOps.map((name): KernelConfig => {
    const fallback = cpuKernel(name);
    const op = ctx.code.unary.get(name)!;
    return {
      kernelName: name,
      backendName: 'native',
      kernelFunc: (args) => {
        const backend = args.backend as Backend;
        const { x } = args.inputs as { x: TensorInfo };
        if (!isFloat(backend, x)) return fallback(args);
        const [alpha, beta] = unaryParams(name, args.attrs as Record<string, number>);
        const input = floats(backend, x);
        const out = allocFloat32(backend, input.length);
        ctx.addon.unary(op, input, out, alpha, beta);
        return output(backend, x.shape, out);
      },
    };
  });
  const binary = ctx.addon.binaryOps.map((name): KernelConfig => {
    const fallback = cpuKernel(name);
    // Prelu's inputs are {x, alpha}; the others' {a, b}.
    const [first, second] = name === 'Prelu' ? ['x', 'alpha'] : ['a', 'b'];
    return {
      kernelName: name,
      backendName: 'native',
      kernelFunc: (args) => {
        const inputs = args.inputs as Record<string, TensorInfo>;
        return binaryInto(ctx, args.backend as Backend, name, inputs[first], inputs[second]) ?? fallback(args);
      },
    };
  });
  return [...unary, ...binary];
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
  const outShape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
  const rank = outShape.length;
  if (rank > 8) return null;
  const s = ctx.scratch;
  s[0] = rank;
  for (let i = 0; i < rank; i++) {
    s[1 + i] = outShape[i];
    s[1 + rank + i] = i < rank - a.shape.length ? 1 : a.shape[i - (rank - a.shape.length)];
    s[1 + 2 * rank + i] = i < rank - b.shape.length ? 1 : b.shape[i - (rank - b.shape.length)];
  }
  const out = allocFloat32(backend, sizeOf(outShape));
  ctx.addon.binary(op, floats(backend, a), floats(backend, b), out);
  return output(backend, outShape, out);
}
