import { tf } from '../../tf.js';
import { NativeBackend, nativeKernelConfigs, registerNativeBackend } from './backend.js';

/**
 * Test mode: the native kernels (and the native backend's array pool) take the place of
 * the cpu backend's under the name `cpu`, so every existing test that runs on `cpu`
 * (hand-computed values, PyTorch parity, finite-difference gradients, training) checks
 * the native code instead. Used by native/vitest.config.ts; never in the app.
 */
export function useNativeKernelsForCpu(): void {
  const ctx = registerNativeBackend();
  for (const k of nativeKernelConfigs(ctx, 'cpu')) {
    if (tf.getKernel(k.kernelName, 'cpu')) tf.unregisterKernel(k.kernelName, 'cpu');
    tf.registerKernel(k);
  }
  tf.removeBackend('cpu');
  tf.registerBackend('cpu', () => new NativeBackend(), 1);
}
