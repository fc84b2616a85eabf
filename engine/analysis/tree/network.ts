import { tf } from '../../tf.js';
import type { CompiledModel } from '../../compile/compile.js';
import type { DatasetSpec } from '../../data/spec.js';
import { concreteShape } from '../../shapes/types.js';
import type { ReluChain } from './chain.js';

/**
 * The network's outputs (and optionally its last hidden layer, and the activation signs
 * of every hidden unit) for inputs given as a flat [n, d] array, computed by the compiled
 * model itself in inference mode, in batches. The loss nodes need labels: zeros stand in
 * for them (their values are not read).
 */
export async function runNetwork(
  model: CompiledModel,
  chain: ReluChain,
  spec: DatasetSpec,
  x: Float32Array,
  { hidden = false, signs = false, batchSize = 4096 }: { hidden?: boolean; signs?: boolean; batchSize?: number } = {},
): Promise<{ outputs: Float32Array; hidden: Float32Array | null; signs: Uint8Array | null }> {
  const d = chain.inputDim;
  const n = x.length / d;
  const k = chain.outputDim;
  const lastHidden = chain.hidden[chain.hidden.length - 1];
  const h = lastHidden?.width ?? 0;
  const outputs = new Float32Array(n * k);
  const hiddenOut = hidden && lastHidden ? new Float32Array(n * h) : null;
  const units = chain.hidden.reduce((s, l) => s + l.width, 0);
  const signsOut = signs ? new Uint8Array(n * units) : null;
  if (signsOut && chain.hidden.some((l) => !l.input)) throw new Error('runNetwork: this chain was not read from a compiled model');
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const [out, hid, pre] = tf.tidy(() => {
      const xs = tf.tensor(x.subarray(start * d, (start + size) * d), concreteShape(spec.x.shape, size));
      const ys = tf.zeros(concreteShape(spec.y.shape, size), spec.y.dtype);
      const r = model.forward({ x: xs, y: ys }, { training: false, keepOutputs: true });
      const o = r.outputs[chain.outputNodeId].out;
      const hid = hiddenOut ? r.outputs[lastHidden.nodeId].out : tf.zeros([0]);
      // Active where the pre-activation is > 0, as tf.relu passes it.
      const pre = signsOut ? tf.concat(chain.hidden.map((l) => tf.greater(r.outputs[l.input!.source][l.input!.port], 0).toInt()), 1) : tf.zeros([0]);
      return [o, hid, pre];
    });
    outputs.set((await out.data()) as Float32Array, start * k);
    if (hiddenOut) hiddenOut.set((await hid.data()) as Float32Array, start * h);
    if (signsOut) signsOut.set(await pre.data(), start * units);
    tf.dispose([out, hid, pre]);
  }
  return { outputs, hidden: hiddenOut, signs: signsOut };
}
