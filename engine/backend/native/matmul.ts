import { tf } from '../../tf.js';
import { type Backend, type KernelConfig, type NativeContext, type TensorInfo, allocFloat32, cpuKernel, floats, isFloat, output, sizeOf } from './context.js';
import { binaryInto } from './elementwise.js';
import { LINEAR } from '../kernelNames.js';

/** BatchMatMul, _FusedMatMul and the project's Linear through sgemm; gradient-shaped products pass transposes to BLAS. */
export function matmulKernels(ctx: NativeContext): KernelConfig[] {
  const batchMatMulCpu = cpuKernel('BatchMatMul');
  const fusedCpu = cpuKernel('_FusedMatMul');
  return [
    {
      kernelName: 'BatchMatMul',
      backendName: 'native',
      kernelFunc: (args) => {
        const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
        const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
        return matmul(ctx, args.backend as Backend, a, b, transposeA, transposeB, null, 'linear', 0) ?? batchMatMulCpu(args);
      },
    },
    {
      kernelName: '_FusedMatMul',
      backendName: 'native',
      kernelFunc: (args) => {
        const { a, b, bias, preluActivationWeights } = args.inputs as Record<string, TensorInfo | undefined>;
        const { transposeA, transposeB, activation, leakyreluAlpha } = args.attrs as unknown as {
          transposeA: boolean; transposeB: boolean; activation?: string; leakyreluAlpha?: number;
        };
        const backend = args.backend as Backend;
        const act = activation ?? 'linear';
        if (act === 'prelu') {
          const y = matmul(ctx, backend, a!, b!, transposeA, transposeB, bias ?? null, 'linear', 0);
          if (!y || !preluActivationWeights || !isFloat(backend, preluActivationWeights)) {
            if (y) backend.disposeIntermediateTensorInfo(y);
            return fusedCpu(args);
          }
          const out = binaryInto(ctx, backend, 'Prelu', y, preluActivationWeights);
          backend.disposeIntermediateTensorInfo(y);
          return out ?? fusedCpu(args);
        }
        return matmul(ctx, backend, a!, b!, transposeA, transposeB, bias ?? null, act, leakyreluAlpha ?? 0.2) ?? fusedCpu(args);
      },
    },
    {
      // x·W + b with the bias added in the product's epilogue (engine/backend/linear.ts).
      kernelName: LINEAR,
      backendName: 'native',
      kernelFunc: (args) => {
        const { x, weight, bias } = args.inputs as { x: TensorInfo; weight: TensorInfo; bias: TensorInfo };
        return (
          matmul(ctx, args.backend as Backend, x, weight, false, false, bias, 'linear', 0) ??
          fusedCpu({ ...args, inputs: { a: x, b: weight, bias }, attrs: { transposeA: false, transposeB: false, activation: 'linear' } })
        );
      },
    },
  ];
}

/** The element-wise kernel of each fused activation (for the unfused fallback). */
const ACTIVATION_KERNEL: Record<string, string> = { relu: 'Relu', relu6: 'Relu6', elu: 'Elu', sigmoid: 'Sigmoid', leakyrelu: 'LeakyRelu' };

const BIAS = { none: 0, columns: 1, scalar: 2, matrix: 3, full: 4 } as const;

/** op(a)·op(b) (+ bias, activation) for float32 operands whose batch dims broadcast simply; null otherwise. */
function matmul(
  ctx: NativeContext, backend: Backend, a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean,
  bias: TensorInfo | null, activation: string, alpha: number,
): TensorInfo | null {
  const actCode = ctx.code.activation.get(activation);
  if (actCode === undefined || !isFloat(backend, a) || !isFloat(backend, b)) return null;
  if (bias && !isFloat(backend, bias)) return null;
  const ar = a.shape.length;
  const br = b.shape.length;
  if (ar < 2 || br < 2) return null;
  const k = transposeA ? a.shape[ar - 2] : a.shape[ar - 1];
  const kb = transposeB ? b.shape[br - 1] : b.shape[br - 2];
  const m = transposeA ? a.shape[ar - 1] : a.shape[ar - 2];
  const n = transposeB ? b.shape[br - 2] : b.shape[br - 1];
  if (k !== kb) {
    throw new Error(`Error in matMul: inner shapes (${k}) and (${kb}) of Tensors with shapes ${a.shape} and ${b.shape} and transposeA=${transposeA} and transposeB=${transposeB} must match.`);
  }
  const batchShape = tf.backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const batch = sizeOf(batchShape);
  const aBatch = sizeOf(a.shape.slice(0, -2));
  const bBatch = sizeOf(b.shape.slice(0, -2));
  // Broadcasts like [2,1]×[1,3] need index arithmetic per batch: the cpu kernel does them.
  if ((aBatch !== batch && aBatch !== 1) || (bBatch !== batch && bBatch !== 1)) return null;
  const outShape = [...batchShape, m, n];
  let biasMode: number = BIAS.none;
  let biasLater: TensorInfo | null = null;
  if (bias) {
    biasMode = biasLayout(bias.shape, outShape);
    if (biasMode < 0) {
      // An unusual bias shape: add it with the general broadcasting kernel afterwards.
      biasLater = bias;
      biasMode = BIAS.none;
    }
  }
  const out = allocFloat32(backend, batch * m * n);
  const applyNow = biasLater ? ctx.code.activation.get('linear')! : actCode;
  ctx.addon.matmul(
    floats(backend, a), floats(backend, b), out, batch, aBatch, bBatch, m, n, k,
    transposeA ? 1 : 0, transposeB ? 1 : 0, bias && !biasLater ? floats(backend, bias) : null, biasMode, applyNow, alpha,
  );
  let result = output(backend, outShape, out);
  if (biasLater) {
    const withBias = binaryInto(ctx, backend, 'Add', result, biasLater);
    backend.disposeIntermediateTensorInfo(result);
    if (!withBias) return null;
    result = withBias;
    if (activation !== 'linear') {
      // In place: the sum above is this kernel's own fresh array.
      const data = floats(backend, result);
      ctx.addon.unary(ctx.code.unary.get(ACTIVATION_KERNEL[activation])!, data, data, alpha, 0);
    }
  }
  return result;
}

/** How a bias broadcasts over [..., m, n] in the fused epilogue; -1 when it needs the general path. */
function biasLayout(shape: number[], out: number[]): number {
  const size = sizeOf(shape);
  const n = out[out.length - 1];
  const m = out[out.length - 2];
  const leadingOnes = (s: number[], keep: number) => s.slice(0, Math.max(0, s.length - keep)).every((d) => d === 1);
  if (shape.length > out.length) return -1;
  if (size === 1) return BIAS.scalar;
  if (shape[shape.length - 1] === n && size === n && leadingOnes(shape, 1)) return BIAS.columns;
  if (shape.length >= 2 && shape[shape.length - 1] === n && shape[shape.length - 2] === m && size === m * n && leadingOnes(shape, 2)) {
    return BIAS.matrix;
  }
  if (size === sizeOf(out) && shape.length === out.length && shape.every((d, i) => d === out[i])) return BIAS.full;
  return -1;
}
