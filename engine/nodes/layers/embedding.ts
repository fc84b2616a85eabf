import { tf } from '../../tf.js';
import { defineKind, fail, ok } from '../kind.js';
import { showShape } from '../structure/axis.js';

/**
 * Up to this vocabulary size the lookup is oneHot(ids)·W, whose gradient is a matMul.
 * tf.gather's gradient needs the UnsortedSegmentSum kernel, which the wasm backend of
 * tfjs 4.22 lacks, so a gather-based Embedding could not train there. Past this size
 * the one-hot matrix ([tokens, vocab] floats) grows too large and gather is used.
 */
export const ONE_HOT_MAX_VOCAB = 4096;

/** A table of learned vectors indexed by integer ids, as PyTorch's nn.Embedding. */
export const Embedding = defineKind({
  type: 'Embedding',
  group: 'Layers',
  summary: 'Learned vector for each integer id (tokens, classes)',
  doc: `Replaces each integer id in \`[0, vocab)\` by row \`id\` of a learned table \`weight\` [vocab, dim], as PyTorch \`nn.Embedding(vocab, dim)\` (rows start normal with std 1, as there). Input ids [B, ...] (int32) give vectors [B, ..., dim]. Float features need a Linear instead: an embedding looks rows up by id and cannot take fractional values.

Up to ${ONE_HOT_MAX_VOCAB} ids the lookup is computed as \`oneHot(ids)·weight\`, which trains on every backend; larger vocabularies use a gather, whose gradient the WASM backend does not have. Ids outside \`[0, vocab)\` give a zero vector on the one-hot path.`,
  inputs: [{ name: 'in', doc: 'Integer ids [B, ...] (int32), each in [0, vocab)' }],
  outputs: [{ name: 'out', doc: '[B, ..., dim]' }],
  params: {
    vocab: { kind: 'int', default: 100, min: 2, max: 1 << 20, doc: 'Number of distinct ids (rows of the table)' },
    dim: { kind: 'int', default: 32, min: 1, max: 1 << 16, doc: 'Length of each vector' },
  },
  inferShapes({ params, inputs }) {
    const ids = inputs.in;
    if (!ids) return fail({ port: 'in', message: 'input "in" is not connected' });
    if (ids.dtype !== 'int32') {
      return fail({
        port: 'in',
        message: `expects int32 ids, got ${ids.dtype} ${showShape(ids.shape)}: an embedding looks up one row per integer id; for float features use a Linear node instead`,
      });
    }
    if (ids.shape.length < 1) return fail({ port: 'in', message: 'expects ids [B, ...]' });
    if (ids.range !== undefined && ids.range > params.vocab) {
      return fail({ port: 'in', message: `the ids go up to ${ids.range - 1} but the vocabulary has ${params.vocab} rows: set vocab to at least ${ids.range}` });
    }
    return ok({ out: { dtype: 'float32', shape: [...ids.shape, params.dim] } });
  },
  variables(params) {
    return [{ name: 'weight', shape: [params.vocab, params.dim], init: { kind: 'normal', std: 1 } }];
  },
  forward({ inputs, params, vars }) {
    return { out: embeddingLookup(inputs.in, vars.weight, params.vocab) };
  },
});

export function embeddingLookup(ids: tf.Tensor, weight: tf.Tensor, vocab: number): tf.Tensor {
  const dim = weight.shape[1] as number;
  const flat = tf.reshape(ids, [-1]) as tf.Tensor1D;
  const rows =
    vocab <= ONE_HOT_MAX_VOCAB
      ? tf.matMul(tf.cast(tf.oneHot(flat, vocab), 'float32'), weight as tf.Tensor2D)
      : tf.gather(weight, flat);
  return tf.reshape(rows, [...ids.shape, dim]);
}
