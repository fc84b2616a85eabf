import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../engine/tf.js';
import { initBackend } from '../../engine/backend/select.js';
import type { CompiledModel } from '../../engine/compile/compile.js';
import type { LoadedDataset } from '../../engine/data/spec.js';
import { createRng, gaussian } from '../../engine/util/hash.js';
import {
  buildExactTree,
  chainForward,
  chainFromLayers,
  ChainError,
  extractExactTree,
  type LeafNode,
  type ReluChain,
  type TreeStructure,
} from '../../engine/analysis/tree/index.js';
import { mlpGraph, trained } from './helpers.js';

const moons = { name: 'moons', params: { samples: 400 } };
const spirals = { name: 'spirals', params: { samples: 400, noise: 0.1 } };

/** The network's own class predictions, straight from the compiled model. */
function networkLogits(model: CompiledModel, x: Float32Array, n: number): Float32Array {
  return tf.tidy(() => {
    const r = model.forward({ x: tf.tensor(x, [n, 2]), y: tf.zeros([n], 'int32') }, { training: false, keepOutputs: true });
    return r.outputs.out.out.dataSync() as Float32Array;
  });
}

/** Routes x through the JSON tree by its rules, as a reader of the JSON would. */
function leafFor(tree: TreeStructure, x: ArrayLike<number>): LeafNode | null {
  let id = tree.root;
  while (id !== null) {
    const node = tree.nodes[id];
    if (node.kind === 'leaf') return node;
    const v = node.rule.weights.reduce((s, w, i) => s + w * x[i], node.rule.bias);
    id = (node.rule.op === '>' ? v > 0 : v <= 0) ? node.yes : node.no;
  }
  return null;
}

/** 10,000 random inputs in the data's box: every one must get the network's class from the tree. */
function checkAgainstNetwork(tree: TreeStructure, model: CompiledModel, data: LoadedDataset) {
  const n = 10000;
  const lo = [Infinity, Infinity];
  const hi = [-Infinity, -Infinity];
  for (let i = 0; i < data.train.count; i++) {
    for (let j = 0; j < 2; j++) {
      lo[j] = Math.min(lo[j], data.train.x[2 * i + j]);
      hi[j] = Math.max(hi[j], data.train.x[2 * i + j]);
    }
  }
  const rng = createRng(12345);
  const x = new Float32Array(2 * n);
  for (let i = 0; i < 2 * n; i++) x[i] = lo[i % 2] + (hi[i % 2] - lo[i % 2]) * rng();
  const net = networkLogits(model, x, n);
  let agree = 0;
  let worst = 0;
  for (let i = 0; i < n; i++) {
    const p = [x[2 * i], x[2 * i + 1]];
    const leaf = leafFor(tree, p)!;
    const logits = leaf.outputs!.weights.map((w, k) => w[0] * p[0] + w[1] * p[1] + leaf.outputs!.bias[k]);
    const netClass = net[2 * i + 1] > net[2 * i] ? 1 : 0;
    if ((logits[1] > logits[0] ? 1 : 0) === netClass) agree++;
    worst = Math.max(worst, Math.abs(logits[0] - net[2 * i]), Math.abs(logits[1] - net[2 * i + 1]));
  }
  return { agree: agree / n, worst };
}

/** Activation pattern of a chain at x, as a string of 0/1 per hidden unit. */
function patternAt(chain: ReluChain, x: ArrayLike<number>): string {
  return chainForward(chain, x).pre.map((p) => Array.from(p, (v) => (v > 0 ? '1' : '0')).join('')).join('|');
}

function leaves(tree: TreeStructure): LeafNode[] {
  return tree.nodes.filter((n): n is LeafNode => n.kind === 'leaf');
}

describe('exact decision tree of a ReLU network', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('turns a one-hidden-layer network (2×8) into a tree that agrees with it on 10,000 random inputs', async () => {
    const { model, data } = await trained(mlpGraph([8], moons));
    const tree = await extractExactTree(model, data);
    expect(tree.fidelity).toBe(1);
    expect(tree.fidelitySamples).toBe(10000);
    expect(tree.coverage).toBe(1);
    expect(tree.complete).toBe(true);
    expect(tree.maxOutputError).toBeLessThan(1e-4);
    // A complete binary tree: every split has two children.
    expect(tree.size).toBe(2 * tree.regions - 1);
    expect(tree.regions).toBeLessThanOrEqual(tree.regionBound!);
    expect(tree.depth).toBeLessThanOrEqual(8);
    expect(tree.accuracy).toBe(tree.networkAccuracy);
    // Checked again here, from the JSON alone, against the network's own forward pass.
    const check = checkAgainstNetwork(tree, model, data);
    expect(check.agree).toBe(1);
    expect(check.worst).toBeLessThan(1e-4);
    const root = tree.nodes[tree.root!];
    expect(root.kind === 'split' && root.rule.text).toMatch(/^−?[\d.]+(e[-+]\d+)?·x\d .*[+−] [\d.]+ > 0$/);
    expect(tree.rules).toHaveLength(tree.regions);
    expect(tree.rules[0].conclusion).toMatch(/ where .* > 0, else /);
    model.dispose();
  });

  it('does the same for two hidden layers (2-8-8), splitting on units of both layers', async () => {
    const { model, data } = await trained(mlpGraph([8, 8], spirals));
    const tree = await extractExactTree(model, data);
    expect(tree.fidelity).toBe(1);
    expect(tree.coverage).toBe(1);
    expect(tree.complete).toBe(true);
    const layers = new Set(tree.nodes.flatMap((n) => (n.kind === 'split' ? [n.unit!.layer] : [])));
    expect([...layers].sort()).toEqual([0, 1]);
    const check = checkAgainstNetwork(tree, model, data);
    expect(check.agree).toBe(1);
    expect(check.worst).toBeLessThan(1e-4);
    // Training examples are counted where they land: the leaves hold all of them.
    expect(leaves(tree).reduce((s, l) => s + l.samples, 0)).toBe(data.train.count);
    model.dispose();
  });

  it('prunes sign patterns no input can produce, by LP (a constructed network)', () => {
    // Layer 1: z0 = x0, z1 = −x0 − 1 (never both positive), z2 = x1.
    // Layer 2: u0 = h2 − 0.5, u1 = −h2 − 0.5 (u1 > 0 needs x1 < −0.5 but h2 > 0 needs x1 > 0).
    const chain = chainFromLayers(2, [
      { weight: [[1, -1, 0], [0, 0, 1]], bias: [0, -1, 0], relu: true },
      { weight: [[0, 0], [0, 0], [1, -1]], bias: [-0.5, -0.5], relu: true },
      { weight: [[1, -1], [2, 1]], bias: [0.1, -0.2], relu: false },
    ]);
    const domain = { lo: [-2, -2], hi: [2, 2] };
    const built = buildExactTree(chain, { points: new Float64Array(0), trainCount: 0, numClasses: 2, domain, lp: true, limit: 1000 });
    // Every pattern a dense grid of the box produces, and no other.
    const found = new Set<string>();
    for (let i = 0; i <= 400; i++) for (let j = 0; j <= 400; j++) found.add(patternAt(chain, [-2 + i / 100 + 1e-7, -2 + j / 100 + 1e-7]));
    expect(found.size).toBe(9);
    const atLeaves = leaves(built.tree).map((l) => patternAt(chain, l.point!));
    expect(new Set(atLeaves)).toEqual(found);
    expect(built.tree.regions).toBe(9); // of 2^5 = 32 sign patterns
    expect(atLeaves.some((p) => p.startsWith('11'))).toBe(false);
    expect(atLeaves.some((p) => p[5] === '1')).toBe(false); // u1 is never active
    expect(built.lpPruned).toBeGreaterThan(0);
    expect(built.complete).toBe(true);
  });

  it('finds by LP exactly the regions of a random network that a dense grid finds', () => {
    const rng = createRng(7);
    const layer = (inDim: number, outDim: number, relu: boolean) => ({
      weight: Array.from({ length: inDim }, () => Array.from({ length: outDim }, () => gaussian(rng))),
      bias: Array.from({ length: outDim }, () => 0.5 * gaussian(rng)),
      relu,
    });
    const chain = chainFromLayers(2, [layer(2, 6, true), layer(6, 4, true), layer(4, 3, false)]);
    const domain = { lo: [-1, -1], hi: [1, 1] };
    const built = buildExactTree(chain, { points: new Float64Array(0), trainCount: 0, numClasses: 3, domain, lp: true, limit: 5000 });
    const grid = new Set<string>();
    for (let i = 0; i <= 300; i++) for (let j = 0; j <= 300; j++) grid.add(patternAt(chain, [-1 + i / 150, -1 + j / 150]));
    const atLeaves = leaves(built.tree).map((l) => patternAt(chain, l.point!));
    // Each leaf is a distinct region with an input inside it...
    expect(new Set(atLeaves).size).toBe(atLeaves.length);
    // ...and every region the grid meets is a leaf (the LP may also find slivers the grid steps over).
    for (const p of grid) expect(atLeaves).toContain(p);
    expect(atLeaves.length).toBeLessThan(grid.size + 5);
    expect(atLeaves.length).toBeLessThan(2 ** 10);
  });

  it('stops at the node limit with the exponential-size warning, and still predicts every input', async () => {
    const { model, data } = await trained(mlpGraph([8, 8], spirals, { epochs: 5 }));
    const tree = await extractExactTree(model, data, { limit: 15 });
    expect(tree.truncated).toBe(true);
    expect(tree.complete).toBe(false);
    expect(tree.size).toBeLessThanOrEqual(15);
    expect(tree.warning).toMatch(/node limit of 15/);
    expect(tree.warning).toMatch(/exponentially/);
    expect(tree.coverage).toBeLessThan(1);
    expect(tree.addedOnDemand).toBe(Math.round((1 - tree.coverage) * tree.fidelitySamples));
    // Inputs outside the built regions get their region's exact model on demand.
    expect(tree.fidelity).toBe(1);
    const raised = await extractExactTree(model, data, { limit: 100000 });
    expect(raised.truncated).toBe(false);
    expect(raised.coverage).toBe(1);
    // The limit counts the tree's nodes only: a limit of exactly its size is enough.
    const snug = await extractExactTree(model, data, { limit: raised.size });
    expect(snug.truncated).toBe(false);
    expect(snug.size).toBe(raised.size);
    expect(snug.complete).toBe(true);
    model.dispose();
  });

  it('without the LP keeps unwitnessed sides unexplored, and says the tree is incomplete', async () => {
    const { model, data } = await trained(mlpGraph([8, 8], spirals, { epochs: 5 }));
    const tree = await extractExactTree(model, data, { lp: false, witnessSamples: 0 });
    expect(tree.lp.used).toBe(false);
    expect(tree.complete).toBe(false);
    expect(tree.nodes.some((n) => n.kind === 'split' && (n.yes === null || n.no === null))).toBe(true);
    expect(tree.fidelity).toBe(1);
    model.dispose();
  });

  it('refuses a network that is not a ReLU chain, naming the node', async () => {
    const graph = mlpGraph([8], moons, { epochs: 1 });
    graph.nodes.find((n) => n.id === 'a1')!.type = 'Tanh';
    const { model, data } = await trained(graph);
    await expect(extractExactTree(model, data)).rejects.toThrow(ChainError);
    await expect(extractExactTree(model, data)).rejects.toThrow(/node "a1" \(Tanh\) is not Linear, ReLU, Dropout or Flatten/);
    model.dispose();
  });
});
