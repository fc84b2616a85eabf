import { tf } from '../tf.js';

/**
 * Leaner bookkeeping for first-order gradients. tfjs keeps every tensor a gradient needs
 * (an op's saved inputs and outputs) by cloning it: a full Identity kernel dispatch plus a
 * tape node of its own, whose gradient is a Cast. A Neural-Interpreters training step saves
 * ~870 tensors, so those clones were a quarter of its kernel calls and a third of its
 * JavaScript time. Here a saved tensor is a second handle on the same data, exactly what
 * the Identity kernel returns, without the dispatch and without the tape node.
 *
 * The tape node matters only when a gradient is itself differentiated (a saved tensor is
 * then an input of the outer tape), so nested gradients keep tfjs' clone.
 */

interface DataBackend {
  incRef?(dataId: object): void;
}

interface EngineInternals {
  backend: DataBackend;
  state: { gradientDepth: number; tensorInfo: WeakMap<object, { backend: DataBackend }> };
  keep<T extends tf.Tensor>(t: T): T;
  clone(t: tf.Tensor): tf.Tensor;
  makeTensorFromTensorInfo(info: { dataId: object; shape: number[]; dtype: tf.DataType }, backend?: DataBackend): tf.Tensor;
  saveTensorsForBackwardMode(tensors: tf.Tensor[]): tf.Tensor[];
}

const engine = tf.engine() as unknown as EngineInternals;

/**
 * Whether a tape is recording the ops run now: inside a gradient being computed within
 * another gradient's function, whose own gradient then flows through these ops.
 */
export function tapeRecording(): boolean {
  return engine.state.gradientDepth > 0;
}

/** A new tensor on the data of `t` (its backend counts one more reference), or null where the backend cannot share. */
export function shareData(t: tf.Tensor): tf.Tensor | null {
  const backend = engine.state.tensorInfo.get(t.dataId)?.backend ?? engine.backend;
  if (typeof backend.incRef !== 'function') return null;
  backend.incRef(t.dataId);
  return engine.makeTensorFromTensorInfo({ dataId: t.dataId, shape: t.shape, dtype: t.dtype }, backend);
}

engine.saveTensorsForBackwardMode = function saveForBackward(tensors: tf.Tensor[]): tf.Tensor[] {
  const nested = engine.state.gradientDepth > 1;
  return tensors.map((t) => engine.keep((nested ? null : shareData(t)) ?? engine.clone(t)));
};
