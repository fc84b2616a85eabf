import { tf } from '../tf.js';
import type { CompiledModel } from '../compile/compile.js';
import { batchIterator } from '../data/batches.js';
import type { DatasetSpec, LoadedDataset } from '../data/spec.js';
import { concreteShape } from '../shapes/types.js';

/** The node output a classifier's loss reads its logits from. */
export interface PredictionSource {
  nodeId: string;
  port: string;
}

export class AnalysisError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'AnalysisError';
  }
}

/** The output feeding the `logits` port of the graph's (first) classification loss. */
export function predictionSource(model: CompiledModel): PredictionSource | null {
  for (const node of model.nodes) {
    const from = node.kind.role === 'loss' ? node.inputs.logits : undefined;
    if (from) return { nodeId: from.source, port: from.port };
  }
  return null;
}

export function requirePredictionSource(model: CompiledModel, what: string): PredictionSource {
  const source = predictionSource(model);
  if (!source) throw new AnalysisError('no-classifier', `${what} needs a classifier: a loss with a "logits" input, such as CrossEntropy`);
  return source;
}

/**
 * Logits of the prediction source for a batch of inputs, flattened to [rows, classes]
 * (sequence outputs give one row per position). The loss nodes need labels to run, so
 * placeholder labels are fed; they touch no output before the loss.
 */
export function logitsFor(model: CompiledModel, spec: DatasetSpec, source: PredictionSource, x: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => {
    const batch = x.shape[0];
    const y = tf.zeros(concreteShape(spec.y.shape, batch), spec.y.dtype);
    const r = model.forward({ x, y }, { training: false, keepOutputs: true });
    const out = r.outputs[source.nodeId]?.[source.port];
    if (!out) throw new AnalysisError('internal', `node "${source.nodeId}" gave no output "${source.port}"`);
    const classes = out.shape[out.shape.length - 1];
    return tf.reshape(out, [-1, classes]) as tf.Tensor2D;
  });
}

/**
 * The confusion matrix on the test split: matrix[true][predicted] counts, rows and
 * columns in class order.
 */
export async function confusionMatrix(model: CompiledModel, data: LoadedDataset): Promise<{ classes: string[]; matrix: number[][] }> {
  const source = requirePredictionSource(model, 'the confusion matrix');
  const classes = outputClasses(model, data.spec, source);
  const split = data.test.count > 0 ? data.test : data.train;
  const matrix = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (const batch of batchIterator(split, data.spec, 1000, { shuffle: false, seed: 0, epoch: 0 })) {
    const [predicted, labels] = tf.tidy(() => [tf.argMax(logitsFor(model, data.spec, source, batch.x), -1), tf.reshape(batch.y, [-1])]);
    batch.x.dispose();
    batch.y.dispose();
    const p = await predicted.data();
    const t = await labels.data();
    predicted.dispose();
    labels.dispose();
    for (let i = 0; i < p.length; i++) {
      const truth = t[i];
      if (truth >= 0 && truth < classes) matrix[truth][p[i]]++;
    }
  }
  return { classes: Array.from({ length: classes }, (_, i) => data.spec.classNames?.[i] ?? String(i)), matrix };
}

/** Number of classes the prediction source outputs (its last axis). */
export function outputClasses(model: CompiledModel, spec: DatasetSpec, source: PredictionSource): number {
  const type = model.nodes.find((n) => n.id === source.nodeId)?.outputTypes[source.port];
  const last = type?.shape[type.shape.length - 1];
  return typeof last === 'number' ? last : spec.numClasses ?? 0;
}
