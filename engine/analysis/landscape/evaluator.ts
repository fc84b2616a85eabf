import { tf } from '../../tf.js';
import type { CompiledModel } from '../../compile/compile.js';
import { batchIterator, type Batch } from '../../data/batches.js';
import type { DataSplit, DatasetSpec } from '../../data/spec.js';

/** A direction in weight space: one tensor per model variable (by the model's names). */
export type Direction = Map<string, tf.Tensor>;

export interface EvaluatorOptions {
  /** Examples per forward pass. Big batches mean few tensor ops per loss. Default 8192. */
  batchSize?: number;
  /** Use only the first `limit` examples of the split (a fixed sample). */
  limit?: number;
}

/**
 * The model's loss over a whole evaluation split, at its trained weights moved by a
 * combination of directions: L(w + Σ cᵢ·dᵢ). The split is cut into batches once and kept
 * on the backend; each loss is one forward pass per batch in inference mode, averaged
 * weighted by batch size (as evaluate() does). The trained weights are copied at the
 * start and put back by `restore()` and `dispose()`, bit for bit.
 */
export class LossEvaluator {
  readonly batches: Batch[] = [];
  readonly base = new Map<string, tf.Tensor>();
  readonly count: number;
  private readonly tfNames = new Map<string, string>();
  private moved = false;

  constructor(readonly model: CompiledModel, split: DataSplit, spec: DatasetSpec, options: EvaluatorOptions = {}) {
    const limit = Math.min(split.count, options.limit ?? split.count);
    if (limit < 1) throw new Error('the evaluation split has no examples');
    const used = limit === split.count ? split : cutSplit(split, limit);
    for (const b of batchIterator(used, spec, options.batchSize ?? 8192, { shuffle: false, seed: 0, epoch: 0 })) this.batches.push(b);
    this.count = limit;
    for (const [name, v] of model.variables) {
      this.base.set(name, tf.clone(v));
      this.tfNames.set(v.name, name);
    }
  }

  /** Sets the weights to w + Σ coefs[i]·dirs[i]. */
  moveTo(dirs: Direction[], coefs: number[]): void {
    for (const [name, v] of this.model.variables) {
      const w = this.base.get(name)!;
      const moved = tf.tidy(() => {
        let x = w;
        dirs.forEach((d, i) => {
          const t = d.get(name);
          if (t && coefs[i] !== 0) x = tf.add(x, tf.mul(t, coefs[i]));
        });
        return x === w ? tf.clone(w) : x;
      });
      // assign shares the tensor's data; dropping our handle leaves it to the variable.
      v.assign(moved);
      moved.dispose();
    }
    this.moved = true;
  }

  restore(): void {
    if (!this.moved) return;
    for (const [name, v] of this.model.variables) v.assign(this.base.get(name)!);
    this.moved = false;
  }

  /** The mean loss at the current weights. */
  async loss(): Promise<number> {
    const parts: tf.Scalar[] = [];
    try {
      for (const b of this.batches) {
        parts.push(
          tf.tidy(() => {
            const r = this.model.forward({ x: b.x, y: b.y }, { training: false });
            if (!r.loss) throw new Error('the graph has no loss node: a loss landscape needs one');
            return tf.mul(r.loss, b.size / this.count) as tf.Scalar;
          }),
        );
      }
      const total = parts.length === 1 ? parts[0] : tf.addN(parts);
      const value = (await total.data())[0];
      if (total !== parts[0]) total.dispose();
      return value;
    } finally {
      tf.dispose(parts);
    }
  }

  /** The loss and its gradient over the whole split at the current weights (new tensors, the caller's). */
  async gradient(): Promise<{ loss: number; grads: Direction }> {
    const sums = new Map<string, tf.Tensor>();
    let loss = 0;
    const vars = [...this.model.variables.values()];
    for (const b of this.batches) {
      const { value, grads } = tf.variableGrads(() => {
        const r = this.model.forward({ x: b.x, y: b.y }, { training: false });
        if (!r.loss) throw new Error('the graph has no loss node: sharpness needs one');
        return tf.mul(r.loss, b.size / this.count) as tf.Scalar;
      }, vars);
      loss += (await value.data())[0];
      value.dispose();
      for (const [tfName, g] of Object.entries(grads)) {
        const name = this.tfNames.get(tfName) ?? tfName;
        const prev = sums.get(name);
        if (prev) {
          sums.set(name, tf.add(prev, g));
          prev.dispose();
          g.dispose();
        } else sums.set(name, g);
      }
    }
    // Variables the loss does not reach get a zero gradient, so every direction is complete.
    for (const [name, v] of this.model.variables) if (!sums.has(name)) sums.set(name, tf.zerosLike(v));
    return { loss, grads: sums };
  }

  dispose(): void {
    this.restore();
    for (const b of this.batches) tf.dispose([b.x, b.y]);
    this.batches.length = 0;
    tf.dispose([...this.base.values()]);
    this.base.clear();
  }
}

export function disposeDirection(d: Direction | null | undefined): void {
  if (d) tf.dispose([...d.values()]);
}

/** ‖d‖₂ over all its tensors. */
export function directionNorm(d: Direction): number {
  return tf.tidy(() => Math.sqrt(tf.addN([...d.values()].map((t) => tf.sum(tf.square(t)))).dataSync()[0]));
}

/** The first `limit` examples of a split. */
function cutSplit(split: DataSplit, limit: number): DataSplit {
  const xSize = split.x.length / split.count;
  const ySize = split.y.length / split.count;
  return { x: split.x.subarray(0, limit * xSize), y: split.y.subarray(0, limit * ySize), count: limit } as DataSplit;
}
