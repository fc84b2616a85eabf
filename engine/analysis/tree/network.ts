import { tf } from '../../tf.js';
import type { CompiledModel } from '../../compile/compile.js';
import type { DatasetSpec } from '../../data/spec.js';
import { concreteShape } from '../../shapes/types.js';
import type { ReluChain } from './chain.js';

/**
 * The network's outputs (and optionally its last hidden layer) for inputs given as a flat
 * [n, d] array, computed by the compiled model itself in inference mode, in batches.
 * The loss nodes need labels: zeros stand in for them (their values are not read).
 */
export async function runNetwork(
  model: CompiledModel,
  chain: ReluChain,
  spec: DatasetSpec,
  x: Float32Array,
  { hidden = false, batchSize = 4096 }: { hidden?: boolean; batchSize?: number } = {},
): Promise<{ outputs: Float32Array; hidden: Float32Array | null }> {
  const d = chain.inputDim;
  const n = x.length / d;
  const k = chain.outputDim;
  const lastHidden = chain.hidden[chain.hidden.length - 1];
  const h = lastHidden?.width ?? 0;
  const outputs = new Float32Array(n * k);
  const hiddenOut = hidden && lastHidden ? new Float32Array(n * h) : null;
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const [out, hid] = tf.tidy(() => {
      const xs = tf.tensor(x.subarray(start * d, (start + size) * d), [size, d]);
      const ys = tf.zeros(concreteShape(spec.y.shape, size), spec.y.dtype);
      const r = model.forward({ x: xs, y: ys }, { training: false, keepOutputs: true });
      const o = r.outputs[chain.outputNodeId].out;
      return hiddenOut ? [o, r.outputs[lastHidden.nodeId].out] : [o];
    });
    outputs.set((await out.data()) as Float32Array, start * k);
    out.dispose();
    if (hid && hiddenOut) {
      hiddenOut.set((await hid.data()) as Float32Array, start * h);
      hid.dispose();
    }
  }
  return { outputs, hidden: hiddenOut };
}
