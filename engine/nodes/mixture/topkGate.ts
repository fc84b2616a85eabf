import { tf } from '../../tf.js';
import type { ForwardContext, PortError } from '../kind.js';
import { withoutGradient } from './withoutGradient.js';

/**
 * Top-k routing shared by the mixture kinds (MoE over MLP experts, MoA over attention
 * experts). N tokens, E experts, k experts per token.
 */
export interface TopKRouting {
  /** [N, E]: softmax over each token's k largest logits, exactly 0 elsewhere. Differentiable. */
  gates: tf.Tensor2D;
  /** [N, E]: softmax over all E logits (P in the balance loss). */
  probs: tf.Tensor2D;
  /** [N, E]: 1 where the expert is among the token's top k, else 0. Carries no gradient. */
  mask: tf.Tensor2D;
  /** [E]: tokens routed to each expert in this batch; sums to N·k. */
  counts: tf.Tensor1D;
  /** Switch Transformer load balancing, E · Σ_i f_i · P_i: 1 when routing is uniform, E at worst. */
  balanceLoss: tf.Scalar;
}

/** Added to the logits of unselected experts: their exp underflows to exactly 0. */
const MASKED_LOGIT = -1e9;

/** Routes each row of `logits` [N, E] to its k largest entries. */
export function routeTopK(logits: tf.Tensor2D, k: number): TopKRouting {
  const [tokens, experts] = logits.shape;
  // TopK has no gradient in tfjs: the selection is a constant mask, and gradients flow
  // through the selected logits via the masked softmax below.
  const mask = withoutGradient([logits], (l) => {
    const { indices } = tf.topk(l, k);
    return tf.cast(tf.sum(tf.oneHot(indices as tf.Tensor2D, experts), 1), 'float32') as tf.Tensor2D;
  });
  // softmax over the selected logits only, as softmax(topk values) scattered back.
  const gates = tf.softmax(tf.add(logits, tf.mul(tf.sub(mask, 1), -MASKED_LOGIT))) as tf.Tensor2D;
  const probs = tf.softmax(logits) as tf.Tensor2D;
  const counts = tf.sum(mask, 0) as tf.Tensor1D;
  // f_i: share of the N·k assignments that went to expert i; P_i: mean router probability.
  const fractions = tf.div(counts, tokens * k);
  const meanProbs = tf.mean(probs, 0);
  const balanceLoss = tf.mul(tf.sum(tf.mul(fractions, meanProbs)), experts) as tf.Scalar;
  return { gates, probs, mask, counts, balanceLoss };
}

/** Exposes a routing to the panels and adds its weighted balance loss to the objective. */
export function reportRouting(
  ctx: Pick<ForwardContext<unknown>, 'record' | 'addAuxLoss'>,
  routing: TopKRouting,
  balanceWeight: number,
): void {
  ctx.record('routing', routing.counts);
  ctx.record('gates', routing.gates);
  if (balanceWeight > 0) ctx.addAuxLoss('balance', tf.mul(routing.balanceLoss, balanceWeight) as tf.Scalar);
}

/** Parameters every routed kind takes, with the same meaning and bounds. */
export const routingParams = {
  experts: { kind: 'int', default: 4, min: 2, max: 256, doc: 'Number of experts (at least 2: one expert is a plain MLP)' },
  topK: { kind: 'int', default: 2, min: 1, max: 256, doc: 'Experts each token is routed to (at most `experts`)' },
  balanceWeight: {
    kind: 'number',
    default: 0.01,
    min: 0,
    max: 100,
    doc: 'Weight of the Switch Transformer load-balancing loss added to the objective (0 turns it off)',
  },
} as const;

/** The shape rule's check of the routing params; null when they fit. */
export function checkRoutingParams(params: { experts: number; topK: number }): PortError | null {
  if (params.topK > params.experts) {
    return {
      message: `parameter "topK" (${params.topK}) cannot exceed "experts" (${params.experts}): lower topK or add experts`,
    };
  }
  return null;
}
