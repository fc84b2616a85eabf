import { MODULATED_LINEAR, MODULATED_LINEAR_GRAD } from '../kernelNames.js';
import { type Backend, type KernelConfig, type NativeContext, type TensorInfo, allocFloat32, floatInput, nativeKernel, output } from './context.js';
import type { NativeBackend } from './backend.js';

/** ModLin's product and its gradient (engine/backend/modulatedLinear.ts) over native/src/modulatedLinear.cc. */
export function modulatedLinearKernels(ctx: NativeContext): KernelConfig[] {
  const { addon } = ctx;
  return [
    nativeKernel<{ x: TensorInfo; modulation: TensorInfo; weight: TensorInfo; bias: TensorInfo }>(MODULATED_LINEAR, (backend, inputs) => {
      const { batch, functions, tokens, inDim, outDim, rows } = sizesOf(inputs.x, inputs.weight);
      const out = allocFloat32(backend, rows * outDim);
      const scratch = allocFloat32(backend, rows * inDim);
      addon.modulatedLinear(
        floatInput(backend, inputs.x, `${MODULATED_LINEAR}: x`), floatInput(backend, inputs.modulation, `${MODULATED_LINEAR}: modulation`), floatInput(backend, inputs.weight, `${MODULATED_LINEAR}: weight`), floatInput(backend, inputs.bias, `${MODULATED_LINEAR}: bias`),
        out, scratch, rows, inDim, outDim, tokens, functions,
      );
      giveBack(backend, scratch);
      return output(backend, [batch, functions, tokens, outDim], out);
    }),
    nativeKernel<{ dy: TensorInfo; x: TensorInfo; modulation: TensorInfo; weight: TensorInfo }>(MODULATED_LINEAR_GRAD, (backend, inputs) => {
      const { functions, tokens, inDim, outDim, rows } = sizesOf(inputs.x, inputs.weight);
      const dx = allocFloat32(backend, rows * inDim);
      const dm = allocFloat32(backend, functions * inDim);
      const dw = allocFloat32(backend, inDim * outDim);
      const db = allocFloat32(backend, outDim);
      const scratch = allocFloat32(backend, rows * inDim);
      addon.modulatedLinearGrad(
        floatInput(backend, inputs.dy, `${MODULATED_LINEAR}: dy`), floatInput(backend, inputs.x, `${MODULATED_LINEAR}: x`), floatInput(backend, inputs.modulation, `${MODULATED_LINEAR}: modulation`), floatInput(backend, inputs.weight, `${MODULATED_LINEAR}: weight`),
        dx, dm, dw, db, scratch, rows, inDim, outDim, tokens, functions,
      );
      giveBack(backend, scratch);
      return [output(backend, inputs.x.shape, dx), output(backend, inputs.modulation.shape, dm), output(backend, inputs.weight.shape, dw), output(backend, [outDim], db)];
    }),
  ];
}

/** x [B, U, T, in] and W [in, out]: the product runs on B·U·T rows. */
function sizesOf(x: TensorInfo, weight: TensorInfo) {
  const [batch, functions, tokens, inDim] = x.shape;
  return { batch, functions, tokens, inDim, outDim: weight.shape[1], rows: batch * functions * tokens };
}

/** Returns a kernel's scratch array to the pool. */
function giveBack(backend: Backend, array: Float32Array): void {
  (backend as Partial<NativeBackend>).pool?.giveBack(array);
}
