import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The compiled addon (native/src, built by native/build.mjs at install). Every function
 * works on typed arrays in place; shapes that do not fit in arguments travel through the
 * Int32Array given to setScratch. Op lists give each op's code by position.
 */
export interface NativeAddon {
  setScratch(buffer: Int32Array): void;
  setThreads(n: number): number;
  blasInfo(): string;
  /** Products with a mostly-zero left operand skip its zeros (on by default); returns the previous setting. */
  setSparseProducts(on: number): boolean;
  /** Products that took the sparse path since the addon loaded. */
  sparseProductCount(): number;
  matmul(
    a: Float32Array, b: Float32Array, out: Float32Array,
    batch: number, aBatch: number, bBatch: number, m: number, n: number, k: number,
    transA: number, transB: number, bias: Float32Array | null, biasMode: number, activation: number, alpha: number,
  ): void;
  unary(op: number, x: Float32Array, out: Float32Array, alpha: number, beta: number): void;
  binary(op: number, a: Float32Array, b: Float32Array, out: Float32Array): void;
  /** family 0: int32 arithmetic; 1: comparisons into 0/1 bytes; 2: logic on 0/1 bytes. */
  binaryTyped(family: number, op: number, a: Float32Array | Int32Array | Uint8Array, b: Float32Array | Int32Array | Uint8Array, out: Int32Array | Uint8Array): void;
  topk(x: Float32Array, values: Float32Array, indices: Int32Array, rows: number, cols: number, k: number): void;
  reduce(op: number, x: Float32Array, out: Float32Array, outer: number, n: number, inner: number): void;
  argReduce(op: number, x: Float32Array, out: Int32Array, outer: number, n: number, inner: number): void;
  softmax(x: Float32Array, out: Float32Array, rows: number, cols: number): void;
  /** Sum (mean = 1: mean) over the axes flagged in the scratch layout [rank, dims, reduced flags]. */
  sumScattered(x: Float32Array, out: Float32Array, mean: number): void;
  transpose(x: Float32Array | Int32Array, out: Float32Array | Int32Array): void;
  copyBox(src: Float32Array | Int32Array, dst: Float32Array | Int32Array): void;
  /** dst row j = src row rows[j], rows of rowSize elements, on the thread pool. */
  gatherRows(src: Float32Array | Int32Array, rowSize: number, rows: Uint32Array, dst: Float32Array | Int32Array): void;
  tile(x: Float32Array | Int32Array, out: Float32Array | Int32Array): void;
  gather(x: Float32Array | Int32Array, indices: Int32Array, out: Float32Array | Int32Array, outer: number, dim: number, inner: number): number;
  segmentSum(x: Float32Array, ids: Int32Array, out: Float32Array, segments: number, inner: number): void;
  adam(
    w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, wOut: Float32Array, mOut: Float32Array, vOut: Float32Array,
    stepSize: number, beta1: number, beta2: number, bc2Sqrt: number, eps: number, weightDecay: number, lr: number, decoupled: number,
  ): void;
  adamInPlace(
    w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array,
    stepSize: number, beta1: number, beta2: number, bc2Sqrt: number, eps: number, weightDecay: number, lr: number, decoupled: number,
  ): void;
  sumSquares(x: Float32Array): number;
  layerNorm(x: Float32Array, gamma: Float32Array | null, beta: Float32Array | null, out: Float32Array, rows: number, cols: number, eps: number): void;
  layerNormGrad(
    dy: Float32Array, x: Float32Array, gamma: Float32Array | null, dx: Float32Array, dgamma: Float32Array | null, dbeta: Float32Array | null,
    rows: number, cols: number, eps: number,
  ): void;
  gelu(x: Float32Array, out: Float32Array): void;
  modulatedLinear(
    x: Float32Array, m: Float32Array, w: Float32Array, b: Float32Array, out: Float32Array, scratch: Float32Array,
    rows: number, inDim: number, outDim: number, tokens: number, functions: number,
  ): void;
  modulatedLinearGrad(
    dy: Float32Array, x: Float32Array, m: Float32Array, w: Float32Array, dx: Float32Array, dm: Float32Array, dw: Float32Array, db: Float32Array,
    scratch: Float32Array, rows: number, inDim: number, outDim: number, tokens: number, functions: number,
  ): void;
  /**
   * Products over groups of rows with per-group weights, groups shared out over the addon's threads.
   * mode 0: c[rows_g] = a[rows_g]·b[g] (+ bias[g], act); 1: c[rows_g] = a[rows_g]·b[g]ᵀ; 2: c[g] = a[rows_g]ᵀ·b[rows_g].
   */
  groupedGemm(a: Float32Array, b: Float32Array, c: Float32Array, sizes: Int32Array, mode: 0 | 1 | 2, k: number, n: number, bias: Float32Array | null, activation: number, alpha: number): void;
  /** grad ⊙ relu'(pre), given the ReLU's outputs (NaN kept). */
  reluGradInPlace(grad: Float32Array, activations: Float32Array): void;
  softmaxCrossEntropy(logits: Float32Array, labels: Int32Array, rows: number, cols: number, smoothing: number): number;
  classAccuracy(logits: Float32Array, labels: Int32Array, rows: number, cols: number): number;
  softmaxCrossEntropyGrad(logits: Float32Array, labels: Int32Array, dx: Float32Array, rows: number, cols: number, smoothing: number, dy: number): void;
  geluGrad(dy: Float32Array, x: Float32Array, dx: Float32Array): void;
  readonly activations: string[];
  readonly unaryOps: string[];
  readonly binaryOps: string[];
  readonly intOps: string[];
  readonly compareOps: string[];
  readonly logicalOps: string[];
  readonly reduceOps: string[];
  readonly argReduceOps: string[];
}

const BUILT = path.join('native', 'build', 'Release', 'tensorloom_native.node');

/**
 * Where native/build.mjs put the addon: TENSORLOOM_NATIVE_ADDON when set, else the first
 * native/build/Release found going up from this module, which finds it from the sources
 * (engine/backend/native/) and from a bundle (dist-electron/) alike.
 */
export function addonPath(): string {
  const explicit = process.env.TENSORLOOM_NATIVE_ADDON;
  if (explicit) return path.resolve(explicit);
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 6; up++) {
    const candidate = path.join(dir, BUILT);
    if (existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..', BUILT);
}

let loaded: NativeAddon | null = null;

/** Loads the addon once; throws an Error whose message says why it is not available. */
export function loadAddon(): NativeAddon {
  if (loaded) return loaded;
  const file = addonPath();
  if (!existsSync(file)) {
    throw new Error(
      'the native addon is not built (it needs a C++ compiler and OpenBLAS at install: apt-get install libopenblas-dev, then node native/build.mjs; see native/build.log)',
    );
  }
  try {
    loaded = createRequire(import.meta.url)(file) as NativeAddon;
  } catch (err) {
    throw new Error(`the native addon does not load: ${(err as Error).message.split('\n')[0]}`);
  }
  return loaded;
}

/** True when the addon file exists (it may still fail to load). */
export function addonBuilt(): boolean {
  return existsSync(addonPath());
}
