import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { tf } from '../../tf.js';
import { loadAddon } from './addon.js';
import { type KernelConfig, type NativeContext, createContext } from './context.js';
import { matmulKernels } from './matmul.js';
import { elementwiseKernels } from './elementwise.js';
import { reduceKernels } from './reduce.js';
import { movementKernels } from './movement.js';
import { ArrayPool } from './pool.js';
import { groupedKernels } from './grouped.js';
import { moeKernels, registerMoEGradient } from './moeExperts.js';
import { MOE_EXPERTS } from '../kernelNames.js';
import { normalizationKernels } from './normalization.js';
import { crossEntropyKernels } from './crossEntropy.js';
import { modulatedLinearKernels } from './modulatedLinear.js';

/**
 * The `native` backend: the cpu backend's storage (plain typed arrays in this process)
 * and every one of its kernels, with the hot ones replaced by C++ over BLAS
 * (native/src). Tensors move between it and `cpu` without conversion.
 */
export class NativeBackend extends MathBackendCPU {
  readonly pool = new ArrayPool();

  override write(values: tf.backend_util.BackendValues, shape: number[], dtype: tf.DataType): object {
    const dataId = super.write(values, shape, dtype);
    this.pool.retain(values);
    return dataId;
  }

  override move(dataId: object, values: tf.backend_util.BackendValues, shape: number[], dtype: tf.DataType, refCount: number): void {
    super.move(dataId, values, shape, dtype, refCount);
    this.pool.retain(values);
  }

  /** Cleanups to run when a tensor's data goes (what a kernel kept for its gradient). */
  private attachments = new Map<object, () => void>();

  /** Runs `cleanup` when the data of `dataId` is released (or the backend disposed). */
  attach(dataId: object, cleanup: () => void): void {
    this.attachments.get(dataId)?.();
    this.attachments.set(dataId, cleanup);
  }

  override disposeData(dataId: object, force = false): boolean {
    const values = this.data.has(dataId) ? this.data.get(dataId)!.values : undefined;
    const released = super.disposeData(dataId, force);
    if (values !== undefined && !this.data.has(dataId)) {
      this.pool.release(values);
      const cleanup = this.attachments.get(dataId);
      if (cleanup) {
        this.attachments.delete(dataId);
        cleanup();
      }
    }
    return released;
  }

  /** Copies of pooled arrays: what the caller holds must not change when the buffer is reused. */
  override readSync(dataId: object): tf.backend_util.BackendValues {
    const values = super.readSync(dataId);
    return this.pool.isPooled(values) ? values.slice() : values;
  }

  override dispose(): void {
    for (const cleanup of this.attachments.values()) cleanup();
    this.attachments.clear();
    super.dispose();
    this.pool.clear();
  }
}

export const NATIVE_BACKEND = 'native';

let context: NativeContext | null = null;

/** The native kernels, named for `backendName` (the cpu kernels it does not replace are not included). */
export function nativeKernelConfigs(ctx: NativeContext, backendName: string): KernelConfig[] {
  return [...matmulKernels(ctx), ...elementwiseKernels(ctx), ...reduceKernels(ctx), ...movementKernels(ctx), ...groupedKernels(ctx), ...moeKernels(ctx), ...normalizationKernels(ctx), ...crossEntropyKernels(ctx), ...modulatedLinearKernels(ctx)].map((k) => ({ ...k, backendName }));
}

/**
 * Registers the backend once (loading the addon); throws with the reason when the addon
 * is missing or does not load. Its priority is below cpu's, so it is used only when asked
 * for (initBackend does), never picked implicitly.
 */
export function registerNativeBackend(): NativeContext {
  if (context) return context;
  const ctx = createContext(loadAddon());
  const kernels = new Map<string, KernelConfig>();
  for (const k of tf.getKernelsForBackend('cpu')) kernels.set(k.kernelName, { ...k, backendName: NATIVE_BACKEND });
  for (const k of nativeKernelConfigs(ctx, NATIVE_BACKEND)) kernels.set(k.kernelName, k);
  for (const k of kernels.values()) tf.registerKernel(k);
  if (!tf.getGradient(MOE_EXPERTS)) registerMoEGradient(ctx);
  tf.registerBackend(NATIVE_BACKEND, () => new NativeBackend(), 0);
  context = ctx;
  return ctx;
}

/** The addon context when the native backend is the active one, else null. */
export function activeNativeContext(): NativeContext | null {
  return context && tf.getBackend() === NATIVE_BACKEND ? context : null;
}

/**
 * An uninitialised Float32Array of n floats that will become a tensor's data (the caller
 * fills every element, then passes it to tf.tensor): recycled from the native backend's
 * pool when that backend is active, a fresh array otherwise.
 */
export function tensorFloat32Array(n: number): Float32Array {
  if (context && tf.getBackend() === NATIVE_BACKEND) return (tf.backend() as NativeBackend).pool.take(n);
  return new Float32Array(n);
}

/**
 * Copies rows[j] of `src` (rows of rowSize elements) into row j of `dst` on the native
 * thread pool, and returns true, when the native backend is the active one; false
 * (nothing copied) otherwise.
 */
export function gatherRowsNative(src: Float32Array | Int32Array, rowSize: number, rows: Uint32Array, dst: Float32Array | Int32Array): boolean {
  if (!context || tf.getBackend() !== NATIVE_BACKEND) return false;
  context.addon.gatherRows(src, rowSize, rows, dst);
  return true;
}

/**
 * Threads the native kernels share work across (the caller included; one per core at
 * start): products, element-wise loops and the optimizer go through the addon's own pool,
 * and OpenBLAS runs single-threaded inside it. Small models on a busy machine are sometimes
 * faster on one. Returns the count in effect, or null when the backend is not registered.
 */
export function setNativeThreads(n: number): number | null {
  return context ? context.addon.setThreads(n) : null;
}

/**
 * Whether products whose left operand is mostly zeros (MNIST pixels, one-hot codes) multiply
 * only its nonzeros (native/src/sparseGemm.cc; on by default). Returns the previous setting,
 * or null without the native backend.
 */
export function setNativeSparseProducts(on: boolean): boolean | null {
  return context ? context.addon.setSparseProducts(on ? 1 : 0) : null;
}

/** Products that skipped their left operand's zeros since the addon loaded (null without it). */
export function nativeSparseProductCount(): number | null {
  return context ? context.addon.sparseProductCount() : null;
}

/** What the addon was built against (OpenBLAS's configuration string), or null. */
export function nativeBlasInfo(): string | null {
  return context ? context.addon.blasInfo().trim() : null;
}

