import { SOFTMAX_CROSS_ENTROPY, SOFTMAX_CROSS_ENTROPY_GRAD } from '../kernelNames.js';
import { type Backend, type KernelConfig, type NativeContext, type TensorInfo, allocFloat32, nativeKernel, output, values } from './context.js';

/** The project's softmax cross-entropy kernels (engine/backend/crossEntropy.ts) over native/src/crossEntropy.cc. */
export function crossEntropyKernels(ctx: NativeContext): KernelConfig[] {
  const { addon } = ctx;
  return [
    nativeKernel<{ logits: TensorInfo; labels: TensorInfo }, { smoothing: number }>(SOFTMAX_CROSS_ENTROPY, (backend, inputs, { smoothing }) => {
      const [rows, cols] = inputs.logits.shape;
      const loss = addon.softmaxCrossEntropy(floatsOf(backend, inputs.logits), idsOf(backend, inputs.labels), rows, cols, smoothing);
      const out = allocFloat32(backend, 1);
      out[0] = loss;
      return output(backend, [], out);
    }),
    nativeKernel<{ dy: TensorInfo; logits: TensorInfo; labels: TensorInfo }, { smoothing: number }>(
      SOFTMAX_CROSS_ENTROPY_GRAD,
      (backend, inputs, { smoothing }) => {
        const [rows, cols] = inputs.logits.shape;
        const dx = allocFloat32(backend, rows * cols);
        addon.softmaxCrossEntropyGrad(floatsOf(backend, inputs.logits), idsOf(backend, inputs.labels), dx, rows, cols, smoothing, floatsOf(backend, inputs.dy)[0]);
        return output(backend, inputs.logits.shape, dx);
      },
    ),
  ];
}

function floatsOf(backend: Backend, t: TensorInfo): Float32Array {
  const v = values(backend, t);
  if (t.dtype !== 'float32' || !(v instanceof Float32Array)) throw new Error(`${SOFTMAX_CROSS_ENTROPY}: logits must be float32`);
  return v;
}

function idsOf(backend: Backend, t: TensorInfo): Int32Array {
  const v = values(backend, t);
  if (t.dtype !== 'int32' || !(v instanceof Int32Array)) throw new Error(`${SOFTMAX_CROSS_ENTROPY}: labels must be int32`);
  return v;
}
