import { tf } from '../../tf.js';
import { defineKind, fail, ok } from '../kind.js';
import { classAccuracy, softmaxCrossEntropy } from '../../backend/crossEntropy.js';

/** Softmax cross-entropy on integer labels, as PyTorch's nn.CrossEntropyLoss (mean over the batch). */
export const CrossEntropy = defineKind({
  type: 'CrossEntropy',
  group: 'Losses',
  role: 'loss',
  summary: 'Softmax cross-entropy on class ids; reports accuracy',
  doc: 'Mean of `-log softmax(logits)[label]` over the batch, as PyTorch `nn.CrossEntropyLoss`. Takes raw logits (no Softmax node before it) and integer labels. Also reports accuracy.',
  inputs: [
    { name: 'logits', doc: 'Unnormalised scores [B, classes] (or [B, T, classes] with labels [B, T])' },
    { name: 'labels', doc: 'Class ids [B] (int32)' },
  ],
  outputs: [],
  params: {
    labelSmoothing: { kind: 'number', default: 0, min: 0, max: 0.999, doc: 'Mixes the one-hot target with the uniform distribution' },
  },
  inferShapes({ inputs }) {
    const { logits, labels } = inputs;
    const errors = [];
    if (!logits) errors.push({ port: 'logits', message: 'input "logits" is not connected' });
    if (!labels) errors.push({ port: 'labels', message: 'input "labels" is not connected' });
    if (!logits || !labels) return fail(...errors);
    if (logits.dtype !== 'float32') return fail({ port: 'logits', message: 'logits must be float32' });
    if (labels.dtype !== 'int32') return fail({ port: 'labels', message: 'labels must be int32 class ids (use MSE for float targets)' });
    if (logits.shape.length !== labels.shape.length + 1) {
      return fail({ port: 'logits', message: `logits [${logits.shape}] must have one more axis (classes) than labels [${labels.shape}]` });
    }
    const classes = logits.shape[logits.shape.length - 1];
    if (typeof classes === 'number' && classes < 2) return fail({ port: 'logits', message: `logits need at least 2 classes on the last axis, got ${classes}` });
    if (typeof classes === 'number' && labels.range !== undefined && classes < labels.range) {
      return fail({ port: 'logits', message: `the labels have ${labels.range} classes but the logits only ${classes}: set the last Linear's units to ${labels.range}` });
    }
    const mismatch = labels.shape.findIndex((d, i) => d !== logits.shape[i]);
    if (mismatch >= 0) return fail({ port: 'labels', message: `labels [${labels.shape}] do not match logits [${logits.shape}] on axis ${mismatch}` });
    return ok({});
  },
  forward({ inputs, params, addMetric }) {
    const logits = inputs.logits;
    const classes = logits.shape[logits.shape.length - 1];
    // Already flat in the usual [B, C] case: a reshape is a kernel call forward and back.
    const flatLogits = (logits.rank === 2 ? logits : tf.reshape(logits, [-1, classes])) as tf.Tensor2D;
    const flatLabels = (inputs.labels.rank === 1 ? inputs.labels : tf.reshape(inputs.labels, [-1])) as tf.Tensor1D;
    const loss = softmaxCrossEntropy(flatLogits, flatLabels, params.labelSmoothing);
    addMetric('accuracy', classAccuracy(flatLogits, flatLabels));
    return { loss };
  },
});
