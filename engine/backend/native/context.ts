import { tf } from '../../tf.js';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { NativeAddon } from './addon.js';

export type TensorInfo = tf.TensorInfo;
export type KernelFunc = tf.KernelFunc;
export type KernelConfig = tf.KernelConfig;

/** What the native kernels share: the addon, its scratch buffer, and op codes by tfjs name. */
export interface NativeContext {
  addon: NativeAddon;
  scratch: Int32Array;
  code: {
    unary: Map<string, number>;
    binary: Map<string, number>;
    int: Map<string, number>;
    compare: Map<string, number>;
    logical: Map<string, number>;
    reduce: Map<string, number>;
    argReduce: Map<string, number>;
    activation: Map<string, number>;
  };
}

export function createContext(addon: NativeAddon): NativeContext {
  // Shapes of rank ≤ 8: [rank, three lists of dims]; 64 entries leave room.
  const scratch = new Int32Array(64);
  addon.setScratch(scratch);
  const codes = (names: string[]) => new Map(names.map((n, i) => [n, i]));
  return {
    addon,
    scratch,
    code: {
      unary: codes(addon.unaryOps),
      binary: codes(addon.binaryOps),
      int: codes(addon.intOps),
      compare: codes(addon.compareOps),
      logical: codes(addon.logicalOps),
      reduce: codes(addon.reduceOps),
      argReduce: codes(addon.argReduceOps),
      activation: codes(addon.activations),
    },
  };
}

/** The cpu backend's storage: native kernels read and write the same typed arrays. */
export type Backend = MathBackendCPU;

export function values(backend: Backend, t: TensorInfo): tf.backend_util.BackendValues {
  return backend.data.get(t.dataId)!.values!;
}

export function floats(backend: Backend, t: TensorInfo): Float32Array {
  return values(backend, t) as Float32Array;
}

/** A project kernel's float32 input; `what` ("Kernel: input") names it when it is not one. */
export function floatInput(backend: Backend, t: TensorInfo, what: string): Float32Array {
  const v = values(backend, t);
  if (t.dtype !== 'float32' || !(v instanceof Float32Array)) throw new Error(`${what} must be float32`);
  return v;
}

/** A project kernel's int32 input (class ids, row indices); `what` names it when it is not one. */
export function intInput(backend: Backend, t: TensorInfo, what: string): Int32Array {
  const v = values(backend, t);
  if (t.dtype !== 'int32' || !(v instanceof Int32Array)) throw new Error(`${what} must be int32`);
  return v;
}

export function isFloat(backend: Backend, t: TensorInfo): boolean {
  return t.dtype === 'float32' && values(backend, t) instanceof Float32Array;
}

/**
 * A Float32Array for a kernel to fill completely: not zeroed (every native kernel writes
 * each element), and from the backend's pool of recycled arrays when it has one.
 */
export function allocFloat32(backend: Backend, n: number): Float32Array {
  const pool = (backend as { pool?: { take(n: number): Float32Array } }).pool;
  if (pool) return pool.take(n);
  const bytes = Buffer.allocUnsafeSlow(Math.max(n, 1) * 4);
  return new Float32Array(bytes.buffer, bytes.byteOffset, n);
}

export function output(backend: Backend, shape: number[], data: Float32Array | Int32Array | Uint8Array, dtype: tf.DataType = 'float32'): TensorInfo {
  return backend.makeTensorInfo(shape, dtype, data);
}

/**
 * A kernel of the native backend. `run` gets the backend, the kernel's inputs and attributes
 * (typed as the caller says) and the raw arguments, for handing to a cpu kernel.
 */
export function nativeKernel<I, A = unknown>(
  kernelName: string,
  run: (backend: Backend, inputs: I, attrs: A, args: Parameters<KernelFunc>[0]) => TensorInfo | TensorInfo[],
): KernelConfig {
  return {
    kernelName,
    backendName: 'native',
    kernelFunc: (args) => run(args.backend as Backend, args.inputs as unknown as I, args.attrs as unknown as A, args),
  };
}

/** The scratch layout of transpose and tile: [rank, dims, one number per axis (the permutation or the repeats)]. */
export function writeDimsPerAxis(ctx: NativeContext, dims: number[], perAxis: number[]): void {
  const rank = dims.length;
  const s = ctx.scratch;
  s[0] = rank;
  for (let i = 0; i < rank; i++) {
    s[1 + i] = dims[i];
    s[1 + rank + i] = perAxis[i];
  }
}

/** The cpu backend's kernel, for the dtypes and cases the native code does not take. */
export function cpuKernel(name: string): KernelFunc {
  const k = tf.getKernel(name, 'cpu');
  if (!k) throw new Error(`the cpu backend has no ${name} kernel`);
  return k.kernelFunc;
}

export function sizeOf(shape: number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
