import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../engine/tf.js';
import { runKind } from '../helpers/kinds.js';
import { runTorch, torchAvailable } from '../helpers/pytorch.js';
import { Linear } from '../../engine/nodes/layers/linear.js';
import { Dropout } from '../../engine/nodes/layers/dropout.js';
import { LayerNorm } from '../../engine/nodes/layers/layerNorm.js';
import { Embedding, ONE_HOT_MAX_VOCAB } from '../../engine/nodes/layers/embedding.js';
import { ReLU } from '../../engine/nodes/activations/relu.js';
import { GELU } from '../../engine/nodes/activations/gelu.js';
import { Softmax } from '../../engine/nodes/activations/softmax.js';
import { MSE } from '../../engine/nodes/losses/mse.js';
import { KLDiv } from '../../engine/nodes/losses/klDiv.js';
import { CrossEntropy } from '../../engine/nodes/losses/crossEntropy.js';

type Nested = number | Nested[];

/** float32 on both sides: absolute 1e-5 plus a relative 1e-5 for values far from 1. */
function expectClose(ours: tf.Tensor, theirs: Nested) {
  const expected = [theirs].flat(Infinity as 1) as number[];
  const actual = Array.from(ours.dataSync());
  expect(actual.length).toBe(expected.length);
  const worst = Math.max(...actual.map((a, i) => Math.abs(a - expected[i]) - 1e-5 * Math.abs(expected[i])));
  expect(worst).toBeLessThanOrEqual(1e-5);
}

const randn = (shape: number[], seed: number, std = 1) => tf.randomNormal(shape, 0, std, 'float32', seed);
const list = (t: tf.Tensor) => t.arraySync();

// Inputs and weights made here, given to PyTorch as they are (Linear's weight transposed).
const x = randn([4, 5], 1, 2);
const linW = randn([5, 3], 2);
const linB = randn([3], 3);
const seq = randn([2, 3, 6], 4, 3);
const lnW = randn([6], 5);
const lnB = randn([6], 6);
const ids = tf.tensor2d([[0, 6, 3], [3, 1, 0]], undefined, 'int32');
const embW = randn([7, 4], 7);
const bigIds = tf.tensor1d([0, ONE_HOT_MAX_VOCAB + 3, 42], 'int32');
const bigW = randn([ONE_HOT_MAX_VOCAB + 4, 2], 8);
const target = randn([4, 5], 9);
// p with an exact zero, to check 0·log 0 = 0 on both sides.
const p = tf.tensor2d([[0.2, 0.5, 0, 0.3], [0.1, 0.2, 0.3, 0.4], [0.25, 0.25, 0.25, 0.25]]);
const qLogits = randn([3, 4], 10, 2);
const qProbs = tf.softmax(qLogits);
const ceLogits = randn([6, 4], 11, 2);
const labels = tf.tensor1d([0, 3, 1, 1, 2, 3], 'int32');
const seqLogits = randn([2, 3, 4], 12);
const seqLabels = tf.tensor2d([[0, 1, 2], [3, 3, 0]], undefined, 'int32');

const SNIPPET = `
import torch.nn as nn
import torch.nn.functional as F
T = lambda k, dtype=torch.float32: torch.tensor(data[k], dtype=dtype)
x = T('x')
lin = nn.Linear(5, 3)
with torch.no_grad():
    lin.weight.copy_(T('linW').t())
    lin.bias.copy_(T('linB'))
ln = nn.LayerNorm(6, eps=1e-5)
with torch.no_grad():
    ln.weight.copy_(T('lnW'))
    ln.bias.copy_(T('lnB'))
ln_plain = nn.LayerNorm(6, eps=1e-3, elementwise_affine=False)
emb = nn.Embedding(7, 4)
big = nn.Embedding(${ONE_HOT_MAX_VOCAB + 4}, 2)
with torch.no_grad():
    emb.weight.copy_(T('embW'))
    big.weight.copy_(T('bigW'))
drop = nn.Dropout(0.3)
drop.eval()
seq = T('seq')
p = T('p')
with torch.no_grad():
    result = {
        'linear': lin(x),
        'relu': torch.relu(x),
        'gelu': nn.GELU()(x),
        'geluTanh': nn.GELU(approximate='tanh')(x),
        'dropoutEval': drop(x),
        'layerNorm': ln(seq),
        'layerNormPlain': ln_plain(seq),
        'softmaxLast': nn.Softmax(dim=-1)(seq),
        'softmaxMiddle': nn.Softmax(dim=1)(seq),
        'embedding': emb(T('ids', torch.long)),
        'embeddingBig': big(T('bigIds', torch.long)),
        'mse': F.mse_loss(x, T('target')),
        'klLogits': F.kl_div(F.log_softmax(T('qLogits'), dim=-1), p, reduction='batchmean'),
        'klProbs': F.kl_div(torch.log(T('qProbs')), p, reduction='batchmean'),
        'ce': F.cross_entropy(T('ceLogits'), T('labels', torch.long)),
        'ceSmooth': F.cross_entropy(T('ceLogits'), T('labels', torch.long), label_smoothing=0.1),
        'ceSeq': F.cross_entropy(T('seqLogits').reshape(-1, 4), T('seqLabels', torch.long).reshape(-1)),
    }
`;

describe.skipIf(!torchAvailable())('PyTorch parity of the basic kinds (same weights, same inputs)', () => {
  let torch: Record<string, Nested>;

  beforeAll(() => {
    const data = {
      x: list(x), linW: list(linW), linB: list(linB), seq: list(seq), lnW: list(lnW), lnB: list(lnB),
      ids: list(ids), embW: list(embW), bigIds: list(bigIds), bigW: list(bigW), target: list(target),
      p: list(p), qLogits: list(qLogits), qProbs: list(qProbs), ceLogits: list(ceLogits), labels: list(labels),
      seqLogits: list(seqLogits), seqLabels: list(seqLabels),
    };
    torch = runTorch<Record<string, Nested>>(SNIPPET, data);
  });

  it('Linear (our weight [in, out] is the transpose of nn.Linear.weight)', () => {
    expectClose(runKind(Linear, { units: 3 }, { in: x }, { weights: { weight: linW, bias: linB } }).outputs.out, torch.linear);
  });

  it('ReLU', () => expectClose(runKind(ReLU, {}, { in: x }).outputs.out, torch.relu));

  it('GELU, exact and tanh-approximated', () => {
    expectClose(runKind(GELU, {}, { in: x }).outputs.out, torch.gelu);
    expectClose(runKind(GELU, { approximate: 'tanh' }, { in: x }).outputs.out, torch.geluTanh);
  });

  it('Dropout at evaluation', () => {
    expectClose(runKind(Dropout, { rate: 0.3 }, { in: x }, { training: false }).outputs.out, torch.dropoutEval);
  });

  it('LayerNorm, with weights and without', () => {
    expectClose(runKind(LayerNorm, {}, { in: seq }, { weights: { weight: lnW, bias: lnB } }).outputs.out, torch.layerNorm);
    expectClose(runKind(LayerNorm, { eps: 1e-3, affine: false }, { in: seq }).outputs.out, torch.layerNormPlain);
  });

  it('Softmax on the last and on a middle axis', () => {
    expectClose(runKind(Softmax, {}, { in: seq }).outputs.out, torch.softmaxLast);
    expectClose(runKind(Softmax, { axis: 1 }, { in: seq }).outputs.out, torch.softmaxMiddle);
  });

  it('Embedding, on the one-hot path and on the gather path', () => {
    expectClose(runKind(Embedding, { vocab: 7, dim: 4 }, { in: ids }, { weights: { weight: embW } }).outputs.out, torch.embedding);
    const big = runKind(Embedding, { vocab: ONE_HOT_MAX_VOCAB + 4, dim: 2 }, { in: bigIds }, { weights: { weight: bigW } });
    expectClose(big.outputs.out, torch.embeddingBig);
  });

  it('MSE', () => expectClose(runKind(MSE, {}, { pred: x, target }).outputs.loss, torch.mse));

  it('KLDiv from logits and from probabilities (F.kl_div, batchmean)', () => {
    expectClose(runKind(KLDiv, {}, { p, q: qLogits }).outputs.loss, torch.klLogits);
    expectClose(runKind(KLDiv, { qInput: 'probabilities' }, { p, q: qProbs }).outputs.loss, torch.klProbs);
  });

  it('CrossEntropy, plain, with label smoothing and on sequences', () => {
    expectClose(runKind(CrossEntropy, {}, { logits: ceLogits, labels }).outputs.loss, torch.ce);
    expectClose(runKind(CrossEntropy, { labelSmoothing: 0.1 }, { logits: ceLogits, labels }).outputs.loss, torch.ceSmooth);
    expectClose(runKind(CrossEntropy, {}, { logits: seqLogits, labels: seqLabels }).outputs.loss, torch.ceSeq);
  });
});

describe('Dropout at training', () => {
  const big = tf.fill([200, 250], 3);
  const run = (rate: number, seed: number) => runKind(Dropout, { rate }, { in: big }, { training: true, seed }).outputs.out.dataSync();

  it('drops a fraction close to the rate and scales the kept values by 1/(1-rate)', () => {
    for (const rate of [0.1, 0.5, 0.8]) {
      const out = run(rate, 21);
      const zeros = out.filter((v) => v === 0).length / out.length;
      // 50k draws: the standard error of the fraction is at most 0.0023.
      expect(Math.abs(zeros - rate)).toBeLessThan(0.01);
      const kept = out.filter((v) => v !== 0);
      expect(Math.max(...kept.map((v) => Math.abs(v - 3 / (1 - rate))))).toBeLessThan(1e-5);
    }
  });

  it('draws identical masks for identical seeds, and different ones for different seeds', () => {
    expect(Array.from(run(0.5, 7))).toEqual(Array.from(run(0.5, 7)));
    const a = run(0.5, 7);
    const b = run(0.5, 8);
    const differing = a.filter((v, i) => v !== b[i]).length / a.length;
    expect(differing).toBeGreaterThan(0.4); // two independent masks differ on about half
  });
});
