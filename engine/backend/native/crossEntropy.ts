import { CLASS_ACCURACY, SOFTMAX_CROSS_ENTROPY, SOFTMAX_CROSS_ENTROPY_GRAD } from '../kernelNames.js';
import { type KernelConfig, type NativeContext, type TensorInfo, allocFloat32, floatInput, intInput, nativeKernel, output } from './context.js';

/** The project's softmax cross-entropy and accuracy kernels (engine/backend/crossEntropy.ts) over native/src/crossEntropy.cc. */
export function crossEntropyKernels(ctx: NativeContext): KernelConfig[] {
  const { addon } = ctx;
  return [
    nativeKernel<{ logits: TensorInfo; labels: TensorInfo }, { smoothing: number }>(SOFTMAX_CROSS_ENTROPY, (backend, inputs, { smoothing }) => {
      const [rows, cols] = inputs.logits.shape;
      const loss = addon.softmaxCrossEntropy(floatInput(backend, inputs.logits, `${SOFTMAX_CROSS_ENTROPY}: logits`), intInput(backend, inputs.labels, `${SOFTMAX_CROSS_ENTROPY}: labels`), rows, cols, smoothing);
      const out = allocFloat32(backend, 1);
      out[0] = loss;
      return output(backend, [], out);
    }),
    nativeKernel<{ logits: TensorInfo; labels: TensorInfo }>(CLASS_ACCURACY, (backend, inputs) => {
      const [rows, cols] = inputs.logits.shape;
      const out = allocFloat32(backend, 1);
      out[0] = addon.classAccuracy(floatInput(backend, inputs.logits, `${CLASS_ACCURACY}: logits`), intInput(backend, inputs.labels, `${CLASS_ACCURACY}: labels`), rows, cols);
      return output(backend, [], out);
    }),
    nativeKernel<{ dy: TensorInfo; logits: TensorInfo; labels: TensorInfo }, { smoothing: number }>(
      SOFTMAX_CROSS_ENTROPY_GRAD,
      (backend, inputs, { smoothing }) => {
        const [rows, cols] = inputs.logits.shape;
        const dx = allocFloat32(backend, rows * cols);
        addon.softmaxCrossEntropyGrad(floatInput(backend, inputs.logits, `${SOFTMAX_CROSS_ENTROPY}: logits`), intInput(backend, inputs.labels, `${SOFTMAX_CROSS_ENTROPY}: labels`), dx, rows, cols, smoothing, floatInput(backend, inputs.dy, `${SOFTMAX_CROSS_ENTROPY_GRAD}: dy`)[0]);
        return output(backend, inputs.logits.shape, dx);
      },
    ),
  ];
}
