import { GELU, GELU_GRAD, LAYER_NORM, LAYER_NORM_AFFINE, LAYER_NORM_GRAD } from '../kernelNames.js';
import { type Backend, type KernelConfig, type NativeContext, type TensorInfo, allocFloat32, floatInput, nativeKernel, output } from './context.js';

/** The project's LayerNorm and GELU kernels (engine/backend/normalization.ts) over native/src/normalization.cc. */
export function normalizationKernels(ctx: NativeContext): KernelConfig[] {
  const { addon } = ctx;
  const layerNorm = (backend: Backend, inputs: { x: TensorInfo; gamma?: TensorInfo; beta?: TensorInfo }, eps: number) => {
    const x = floatInput(backend, inputs.x, 'LayerNorm: x');
    const cols = inputs.x.shape[inputs.x.shape.length - 1] ?? 1;
    const out = allocFloat32(backend, x.length);
    const gamma = inputs.gamma ? floatInput(backend, inputs.gamma, 'LayerNorm: gamma') : null;
    const beta = inputs.beta ? floatInput(backend, inputs.beta, 'LayerNorm: beta') : null;
    addon.layerNorm(x, gamma, beta, out, cols ? x.length / cols : 0, cols, eps);
    return output(backend, inputs.x.shape, out);
  };
  return [
    nativeKernel<{ x: TensorInfo }, { eps: number }>(LAYER_NORM, (backend, inputs, { eps }) => layerNorm(backend, inputs, eps)),
    nativeKernel<{ x: TensorInfo; gamma: TensorInfo; beta: TensorInfo }, { eps: number }>(LAYER_NORM_AFFINE, (backend, inputs, { eps }) =>
      layerNorm(backend, inputs, eps),
    ),
    nativeKernel<{ dy: TensorInfo; x: TensorInfo; gamma?: TensorInfo }, { eps: number }>(LAYER_NORM_GRAD, (backend, inputs, { eps }) => {
      const dy = floatInput(backend, inputs.dy, 'LayerNorm gradient: dy');
      const x = floatInput(backend, inputs.x, 'LayerNorm gradient: x');
      const cols = inputs.x.shape[inputs.x.shape.length - 1] ?? 1;
      const dx = allocFloat32(backend, x.length);
      if (!inputs.gamma) {
        addon.layerNormGrad(dy, x, null, dx, null, null, cols ? x.length / cols : 0, cols, eps);
        return [output(backend, inputs.x.shape, dx)];
      }
      const dgamma = allocFloat32(backend, cols);
      const dbeta = allocFloat32(backend, cols);
      addon.layerNormGrad(dy, x, floatInput(backend, inputs.gamma, 'LayerNorm gradient: gamma'), dx, dgamma, dbeta, cols ? x.length / cols : 0, cols, eps);
      return [output(backend, inputs.x.shape, dx), output(backend, [cols], dgamma), output(backend, [cols], dbeta)];
    }),
    nativeKernel<{ x: TensorInfo }>(GELU, (backend, inputs) => {
      const x = floatInput(backend, inputs.x, 'GELU: x');
      const out = allocFloat32(backend, x.length);
      addon.gelu(x, out);
      return output(backend, inputs.x.shape, out);
    }),
    nativeKernel<{ dy: TensorInfo; x: TensorInfo }>(GELU_GRAD, (backend, inputs) => {
      const x = floatInput(backend, inputs.x, 'GELU gradient: x');
      const dx = allocFloat32(backend, x.length);
      addon.geluGrad(floatInput(backend, inputs.dy, 'GELU gradient: dy'), x, dx);
      return output(backend, inputs.x.shape, dx);
    }),
  ];
}
