import { tf } from '../tf.js';
import type { CompiledModel } from '../compile/compile.js';
import type { DataSplit, DatasetSpec } from '../data/spec.js';
import { batchIterator } from '../data/batches.js';
import type { MetricValues } from './events.js';

/**
 * Mean loss and metrics over a split in inference mode (no dropout), weighted by
 * batch size so a short last batch counts for what it holds.
 */
export async function evaluate(
  model: CompiledModel,
  split: DataSplit,
  spec: DatasetSpec,
  { batchSize = 1000, limit }: { batchSize?: number; limit?: number } = {},
): Promise<MetricValues> {
  const sums: Record<string, number> = {};
  let seen = 0;
  const total = Math.min(split.count, limit ?? split.count);
  for (const batch of batchIterator(split, spec, batchSize, { shuffle: false, seed: 0, epoch: 0 })) {
    if (seen >= total) {
      batch.x.dispose();
      batch.y.dispose();
      break;
    }
    const values = tf.tidy(() => {
      const r = model.forward({ x: batch.x, y: batch.y }, { training: false });
      const named: Record<string, tf.Scalar> = { ...r.metrics };
      if (r.loss) named.loss = r.loss;
      return named;
    });
    batch.x.dispose();
    batch.y.dispose();
    for (const [name, t] of Object.entries(values)) {
      sums[name] = (sums[name] ?? 0) + (await t.data())[0] * batch.size;
      t.dispose();
    }
    seen += batch.size;
  }
  const out: MetricValues = { loss: NaN };
  for (const [name, sum] of Object.entries(sums)) out[name] = sum / Math.max(1, seen);
  return out;
}
