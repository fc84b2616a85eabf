import { tf } from '../tf.js';
import { activeNativeContext, type NativeBackend } from './native/backend.js';
import { type Backend, allocFloat32 } from './native/context.js';

/**
 * One-pass versions of the trainer's and optimizer's arithmetic, used when the native
 * backend is active (each returns null/false elsewhere, and the caller keeps its tensor
 * ops). A training step of a small model is otherwise dominated by these memory-bound
 * element-wise passes: Adam alone is a dozen ops over every parameter.
 */

/** The float32 array behind `t` on the active native backend, or null. */
function nativeFloats(backend: Backend, t: tf.Tensor): Float32Array | null {
  if (t.dtype !== 'float32' || !backend.data.has(t.dataId)) return null;
  const v = backend.data.get(t.dataId)!.values;
  return v instanceof Float32Array && v.length === t.size ? v : null;
}

/**
 * ‖g‖₂ over all tensors in one native pass per tensor (squares summed in double, which
 * cannot overflow for float32 entries); NaN or ∞ when any entry is. Null when the native
 * backend is not active or a tensor does not live on it.
 */
export function fusedGlobalNorm(tensors: tf.Tensor[]): number | null {
  const ctx = activeNativeContext();
  if (!ctx) return null;
  const backend = tf.backend() as Backend;
  let sum = 0;
  for (const t of tensors) {
    const data = nativeFloats(backend, t);
    if (!data) return null;
    sum += ctx.addon.sumSquares(data);
  }
  return Math.sqrt(sum);
}

/** Only this tensor refers to these values: one tfjs reference, and a pooled array without views. */
function exclusive(backend: Backend, t: tf.Tensor, values: Float32Array): boolean {
  return backend.refCount(t.dataId) === 1 && (backend as NativeBackend).pool.soleOwner(values);
}

export interface AdamHyper {
  learningRate: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** AdamW: decay the weights directly instead of adding wd·w to the gradient. */
  decoupled: boolean;
  /** This variable's step count, after counting the current step (1 on the first). */
  step: number;
}

/**
 * torch.optim.Adam/AdamW's update of one variable, in one native pass, with the exact
 * float32 arithmetic of engine/train/optimizers.ts's tensor ops:
 *   m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;  w ← w − (lr/(1−β1^t)) · m / (√v/√(1−β2^t) + eps)
 * The update is written in place when nothing but the variable can see its data (the
 * usual case from the second step on); otherwise into fresh arrays that the variables
 * are assigned, so tensors sharing the old data (clones in a saved optimizer state, or
 * views) keep it. Returns false, having changed nothing, when the native backend is not
 * active or a tensor is not on it.
 */
export function fusedAdamUpdate(w: tf.Variable, grad: tf.Tensor, m: tf.Variable, v: tf.Variable, h: AdamHyper): boolean {
  const ctx = activeNativeContext();
  if (!ctx) return false;
  const backend = tf.backend() as Backend;
  const W = nativeFloats(backend, w);
  const G = nativeFloats(backend, grad);
  const M = nativeFloats(backend, m);
  const V = nativeFloats(backend, v);
  if (!W || !G || !M || !V || G.length !== W.length || M.length !== W.length || V.length !== W.length) return false;
  const n = W.length;
  // Bias corrections in double precision, as torch computes them in Python floats.
  const stepSize = h.learningRate / (1 - h.beta1 ** h.step);
  const bc2Sqrt = Math.sqrt(1 - h.beta2 ** h.step);
  const decoupled = h.decoupled ? 1 : 0;
  if (exclusive(backend, w, W) && exclusive(backend, m, M) && exclusive(backend, v, V) && new Set([W, G, M, V]).size === 4) {
    ctx.addon.adamInPlace(W, G, M, V, stepSize, h.beta1, h.beta2, bc2Sqrt, h.eps, h.weightDecay, h.learningRate, decoupled);
    return true;
  }
  const wOut = allocFloat32(backend, n);
  const mOut = allocFloat32(backend, n);
  const vOut = allocFloat32(backend, n);
  ctx.addon.adam(W, G, M, V, wOut, mOut, vOut, stepSize, h.beta1, h.beta2, bc2Sqrt, h.eps, h.weightDecay, h.learningRate, decoupled);
  for (const [variable, data] of [[w, wOut], [m, mOut], [v, vOut]] as const) {
    const t = tf.tensor(data, variable.shape, 'float32');
    variable.assign(t);
    t.dispose();
  }
  return true;
}
