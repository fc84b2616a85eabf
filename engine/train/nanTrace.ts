import { tf } from '../tf.js';
import type { CompiledModel } from '../compile/compile.js';

/**
 * Re-runs the batch keeping every node's output and returns the first node, in graph
 * order, whose output or variables hold NaN or Infinity: where the trouble started.
 */
export function findFirstNonFinite(
  model: CompiledModel,
  feed: Record<string, tf.Tensor>,
  step: number,
): { nodeId: string; nodeType: string; port?: string } | null {
  tf.engine().startScope();
  try {
    for (const node of model.nodes) {
      for (const [name, v] of Object.entries(node.vars)) {
        if (!allFinite(v)) return { nodeId: node.id, nodeType: node.type, port: `weights ${name}` };
      }
    }
    let r;
    try {
      r = model.forward(feed, { training: true, step, keepOutputs: true });
    } catch {
      return null;
    }
    for (const node of model.nodes) {
      const outs = node.kind.role === 'loss' ? { loss: r.losses[node.id] } : r.outputs[node.id] ?? {};
      for (const [port, t] of Object.entries(outs)) if (t && !allFinite(t)) return { nodeId: node.id, nodeType: node.type, port: `output "${port}"` };
    }
    return null;
  } finally {
    tf.engine().endScope();
  }
}

function allFinite(t: tf.Tensor): boolean {
  if (t.dtype !== 'float32') return true;
  return tf.tidy(() => tf.all(tf.isFinite(t)).dataSync()[0] === 1);
}

/** The first variable, in graph order, whose gradient holds NaN or Infinity. */
export function findNonFiniteGradient(
  model: CompiledModel,
  grads: Record<string, tf.Tensor>,
): { nodeId: string; nodeType: string; port?: string } | null {
  for (const node of model.nodes) {
    for (const name of Object.keys(node.vars)) {
      const g = grads[`${node.id}/${name}`];
      if (g && !allFinite(g)) return { nodeId: node.id, nodeType: node.type, port: `gradient of ${name}` };
    }
  }
  return null;
}
