import { tf } from '../../tf.js';
import { defineKind, fail, ok, type PortError } from '../kind.js';
import { sameShape } from '../../shapes/types.js';
import { showShape } from '../structure/axis.js';

/**
 * Probabilities are clipped to this before the log: 0·log 0 then gives 0 (the limit of
 * a·log a) without a NaN, and a zero q stays finite. Values above it are untouched, and
 * the clip keeps comparisons off the gradient path (no Greater gradient on wasm).
 */
const TINY = 1e-30;

/**
 * KL(P‖Q) = Σ p (log p − log q) on the last axis, averaged over the batch. P is the
 * target distribution (a teacher's soft labels), Q the model's; as PyTorch's
 * F.kl_div(log_softmax(q_logits), p, reduction='batchmean').
 */
export const KLDiv = defineKind({
  type: 'KLDiv',
  group: 'Losses',
  role: 'loss',
  summary: 'Kullback–Leibler divergence KL(P‖Q) to a target distribution',
  doc: 'Kullback–Leibler divergence `KL(P‖Q) = Σ p·(log p − log q)` summed over the last axis (the classes) and averaged over the batch, as PyTorch `F.kl_div(log q, p, reduction="batchmean")` (with [B, T, classes] inputs the sum also runs over T, as there). `p` is the target distribution, e.g. a teacher\'s soft labels; `q` is the model\'s output. With `qInput: "logits"` (the default) `q` is raw scores and a numerically stable log-softmax is applied inside: do not put a Softmax before it. With `"probabilities"` `q` must already sum to 1. Terms where p = 0 count as 0. KL is not symmetric: KL(P‖Q) ≠ KL(Q‖P).',
  inputs: [
    { name: 'p', doc: 'Target probabilities [B, ..., classes], summing to 1 on the last axis' },
    { name: 'q', doc: 'Model output, same shape: logits or probabilities (see qInput)' },
  ],
  outputs: [],
  params: {
    qInput: { kind: 'enum', default: 'logits', options: ['logits', 'probabilities'] as const, doc: '"logits": q is raw scores (log-softmax applied inside); "probabilities": q already sums to 1' },
  },
  inferShapes({ inputs }) {
    const { p, q } = inputs;
    const errors: PortError[] = [];
    if (!p) errors.push({ port: 'p', message: 'input "p" is not connected' });
    if (!q) errors.push({ port: 'q', message: 'input "q" is not connected' });
    if (!p || !q) return fail(...errors);
    if (p.dtype !== 'float32') return fail({ port: 'p', message: `p must be float32 probabilities, got ${p.dtype} (for class ids use CrossEntropy)` });
    if (q.dtype !== 'float32') return fail({ port: 'q', message: `q must be float32, got ${q.dtype}` });
    if (q.shape.length < 2 || q.shape[q.shape.length - 1] === 'B') {
      return fail({ port: 'q', message: `expects [B, ..., classes], got ${showShape(q.shape)}` });
    }
    if (!sameShape(p.shape, q.shape)) {
      return fail({ port: 'p', message: `p ${showShape(p.shape)} does not match q ${showShape(q.shape)}; they must have the same shape` });
    }
    return ok({});
  },
  forward({ inputs, params }) {
    const { p, q } = inputs;
    const logQ = params.qInput === 'logits' ? tf.logSoftmax(q) : tf.log(tf.clipByValue(q, TINY, Infinity));
    const logP = tf.log(tf.clipByValue(p, TINY, Infinity));
    const batch = p.shape[0];
    return { loss: tf.div(tf.sum(tf.mul(p, tf.sub(logP, logQ))), batch) as tf.Scalar };
  },
});

/**
 * KL(P‖Q) in nats for two discrete distributions given as arrays (the KL panel's
 * calculator). Terms with p = 0 are 0; a q of 0 where p > 0 gives Infinity.
 */
export function klDivergence(p: number[], q: number[]): number {
  if (p.length !== q.length) throw new Error(`P has ${p.length} values but Q has ${q.length}; they must be over the same outcomes`);
  let sum = 0;
  for (let i = 0; i < p.length; i++) {
    if (p[i] === 0) continue;
    if (q[i] === 0) return Infinity;
    sum += p[i] * Math.log(p[i] / q[i]);
  }
  return sum;
}
