import type { CompiledModel } from '../../compile/compile.js';
import type { LoadedDataset } from '../../data/spec.js';
import { createRng, hashSeed } from '../../util/hash.js';
import type { C45Options } from './c45.js';
import { chainForward, reluChain, type ReluChain } from './chain.js';
import { buildCNet } from './cnet.js';
import { buildExactTree } from './exactTree.js';
import type { Box } from './feasibility.js';
import { argmax, formatNumber } from './format.js';
import { runNetwork } from './network.js';
import { indexNodes, leafOutputs, routeHidden, routeInput } from './route.js';
import type { TreeStructure } from './types.js';

export const DEFAULT_NODE_LIMIT = 5000;
export const DEFAULT_FIDELITY_SAMPLES = 10000;
/** The LP closure runs by default up to this many input features. */
export const LP_AUTO_MAX_INPUTS = 32;

export interface ExactTreeResult extends TreeStructure {
  method: 'exact';
  /** Share of the fidelity sample where the tree predicts the network's class (1 for an exact tree). */
  fidelity: number;
  fidelitySamples: number;
  /**
   * Share of the fidelity sample that fell in regions already in the tree. The others
   * (`addedOnDemand`) count in the fidelity with their own region's linear model, taken
   * on demand, and are not kept in the tree (the limit holds).
   */
  coverage: number;
  addedOnDemand: number;
  /** Largest |tree logit − network logit| over the sample (float64 tree vs float32 network). */
  maxOutputError: number;
  /** Accuracy of the tree on the test split's labels, and the network's. */
  accuracy: number | null;
  networkAccuracy: number | null;
  /** Every side was built or proved empty by LP: the tree covers the whole domain. */
  complete: boolean;
  truncated: boolean;
  limit: number;
  lp: { used: boolean; checks: number; pruned: number };
  /** The box the tree is built for and sampled in: the data's bounding box. */
  domain: Box;
  /** Upper bound on the number of activation regions of this architecture (null if astronomically large). */
  regionBound: number | null;
  hiddenUnits: number;
  warning?: string;
  elapsedMs: number;
}

export interface CNetResult extends TreeStructure {
  method: 'cnet';
  /** Share of the test split where the tree predicts the network's class. */
  fidelity: number;
  fidelitySamples: number;
  trainFidelity: number;
  /** Fidelity on the test split when routing by the back-projected input rules instead (equal for one hidden layer). */
  inputRuleFidelity: number;
  /** Accuracy on the test split's labels: the tree's and the network's. */
  accuracy: number | null;
  networkAccuracy: number | null;
  hiddenLayer: { nodeId: string; width: number };
  /** True when every back-projected rule is exact (one hidden layer). */
  exactRules: boolean;
  trainSamples: number;
  c45: Required<Omit<C45Options, 'confidence'>> & { confidence: number | null };
  warning?: string;
  elapsedMs: number;
}

export type TreeResult = ExactTreeResult | CNetResult;

export interface TreeCommonOptions {
  /** Seed of the random samples (branch witnesses, fidelity sample, training subsample). */
  seed?: number;
  signal?: AbortSignal;
}

export interface ExactOptions extends TreeCommonOptions {
  /** Node limit (splits + leaves); building stops there. Default 5000. */
  limit?: number;
  /** LP closure: prune impossible sides, build the unwitnessed feasible ones. 'auto': on up to 32 inputs. */
  lp?: boolean | 'auto';
  /** Random inputs in the data's box used, with the data, to witness branches. */
  witnessSamples?: number;
  fidelitySamples?: number;
}

export interface CNetOptions extends TreeCommonOptions {
  c45?: C45Options;
  /** At most this many training examples fit the tree (a seeded subsample beyond). Default 20000. */
  maxTrainSamples?: number;
}

export async function extractExactTree(model: CompiledModel, data: LoadedDataset, options: ExactOptions = {}): Promise<ExactTreeResult> {
  const started = Date.now();
  const chain = reluChain(model);
  const d = chain.inputDim;
  const seed = options.seed ?? 1;
  const limit = options.limit ?? DEFAULT_NODE_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`the node limit must be a whole number ≥ 1, got ${limit}`);
  const numClasses = classCount(data, chain);
  const domain = boundingBox(data, d);
  const train = floatInputs(data.train.x);
  const test = floatInputs(data.test.x);
  const witnesses = uniformSamples(domain, options.witnessSamples ?? 2000, hashSeed(seed, 'tree-witnesses'));
  const points = new Float64Array(train.length + test.length + witnesses.length);
  points.set(train);
  points.set(test, train.length);
  points.set(witnesses, train.length + test.length);
  const lp = options.lp === undefined || options.lp === 'auto' ? d <= LP_AUTO_MAX_INPUTS : options.lp;
  options.signal?.throwIfAborted();
  const { signs } = await runNetwork(model, chain, data.spec, Float32Array.from(points), { signs: true });

  const built = buildExactTree(chain, {
    points,
    trainCount: data.train.count,
    labels: numClasses > 0 ? (data.train.y as Int32Array) : undefined,
    numClasses,
    domain,
    lp,
    limit,
    signs: signs!,
    featureNames: data.spec.featureNames,
    classNames: data.spec.classNames,
  });
  options.signal?.throwIfAborted();

  // Fidelity: the tree against the network itself on uniform inputs in the data's box.
  const count = options.fidelitySamples ?? DEFAULT_FIDELITY_SAMPLES;
  const sample = uniformSamples(domain, count, hashSeed(seed, 'tree-fidelity'));
  const net = (await runNetwork(model, chain, data.spec, Float32Array.from(sample))).outputs;
  const byId = indexNodes(built.tree);
  const k = chain.outputDim;
  let agree = 0;
  let covered = 0;
  let maxOutputError = 0;
  for (let i = 0; i < count; i++) {
    const treeOut = exactOutputs(built.tree, chain, sample, i * d, byId);
    if (treeOut.covered) covered++;
    for (let j = 0; j < k; j++) maxOutputError = Math.max(maxOutputError, Math.abs(treeOut.values[j] - net[i * k + j]));
    if (numClasses > 0 ? argmax(treeOut.values) === argmax(net, i * k, k) : outputsMatch(treeOut.values, net, i * k)) agree++;
  }

  let accuracy: number | null = null;
  let networkAccuracy: number | null = null;
  if (numClasses > 0 && data.test.count > 0) {
    const testNet = (await runNetwork(model, chain, data.spec, Float32Array.from(test))).outputs;
    let treeRight = 0;
    let netRight = 0;
    for (let i = 0; i < data.test.count; i++) {
      const label = data.test.y[i];
      if (argmax(exactOutputs(built.tree, chain, test, i * d, byId).values) === label) treeRight++;
      if (argmax(testNet, i * k, k) === label) netRight++;
    }
    accuracy = treeRight / data.test.count;
    networkAccuracy = netRight / data.test.count;
  }

  const hiddenUnits = chain.hidden.reduce((s, h) => s + h.width, 0);
  const regionBound = regionUpperBound(chain);
  const coverage = count ? covered / count : 1;
  const result: ExactTreeResult = {
    ...built.tree,
    method: 'exact',
    fidelity: count ? agree / count : 1,
    fidelitySamples: count,
    coverage,
    addedOnDemand: count - covered,
    maxOutputError,
    accuracy,
    networkAccuracy,
    complete: built.complete,
    truncated: built.truncated,
    limit,
    lp: { used: lp, checks: built.lpChecks, pruned: built.lpPruned },
    domain,
    regionBound,
    hiddenUnits,
    elapsedMs: Date.now() - started,
  };
  if (built.truncated) {
    result.warning =
      `The tree reached the node limit of ${limit} and is incomplete. An exact tree grows exponentially with the network ` +
      `(${hiddenUnits} hidden units: up to ${regionBound === null ? 'astronomically many' : formatNumber(regionBound)} regions), ` +
      `"like going from one black box to another". ${(coverage * 100).toFixed(1)}% of the sample fell in regions already built; ` +
      `raise the limit to build more.`;
  }
  return result;
}

export async function extractCNet(model: CompiledModel, data: LoadedDataset, options: CNetOptions = {}): Promise<CNetResult> {
  const started = Date.now();
  const chain = reluChain(model);
  if (chain.hidden.length === 0) throw new Error('C-Net needs at least one hidden ReLU layer; this network has none');
  const numClasses = classCount(data, chain);
  if (numClasses === 0) throw new Error('C-Net needs a classification dataset (its tree predicts the network\'s class)');
  const d = chain.inputDim;
  const seed = options.seed ?? 1;
  const k = chain.outputDim;
  const last = chain.hidden[chain.hidden.length - 1];
  const h = last.width;

  // The training examples that fit the tree (a seeded subsample of big datasets).
  const cap = options.maxTrainSamples ?? 20000;
  let trainIdx = Array.from({ length: data.train.count }, (_, i) => i);
  if (trainIdx.length > cap) {
    const rng = createRng(hashSeed(seed, 'cnet-subsample'));
    for (let i = trainIdx.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [trainIdx[i], trainIdx[j]] = [trainIdx[j], trainIdx[i]];
    }
    trainIdx = trainIdx.slice(0, cap).sort((a, b) => a - b);
  }
  const allTrain = floatInputs(data.train.x);
  const x = new Float64Array(trainIdx.length * d);
  const labels = new Int32Array(trainIdx.length);
  trainIdx.forEach((src, i) => {
    x.set(allTrain.subarray(src * d, (src + 1) * d), i * d);
    labels[i] = data.train.y[src];
  });
  options.signal?.throwIfAborted();
  const trainRun = await runNetwork(model, chain, data.spec, Float32Array.from(x), { hidden: true });
  const predicted = new Int32Array(trainIdx.length);
  for (let i = 0; i < predicted.length; i++) predicted[i] = argmax(trainRun.outputs, i * k, k);

  const c45: CNetResult['c45'] = {
    minLeaf: options.c45?.minLeaf ?? 2,
    maxDepth: options.c45?.maxDepth ?? 30,
    confidence: options.c45?.confidence === undefined ? 0.25 : options.c45.confidence,
    mdl: options.c45?.mdl ?? true,
  };
  const { tree } = buildCNet({
    chain,
    x,
    hidden: trainRun.hidden!,
    predicted,
    labels,
    numClasses,
    featureNames: data.spec.featureNames,
    classNames: data.spec.classNames,
    c45,
  });
  options.signal?.throwIfAborted();

  const byId = indexNodes(tree);
  let trainAgree = 0;
  for (let i = 0; i < predicted.length; i++) if (routeHidden(tree, trainRun.hidden!, h, i, byId)?.class === predicted[i]) trainAgree++;

  const test = floatInputs(data.test.x);
  const testRun = await runNetwork(model, chain, data.spec, Float32Array.from(test), { hidden: true });
  const m = data.test.count;
  let agree = 0;
  let ruleAgree = 0;
  let right = 0;
  let netRight = 0;
  for (let i = 0; i < m; i++) {
    const net = argmax(testRun.outputs, i * k, k);
    const byHidden = routeHidden(tree, testRun.hidden!, h, i, byId)?.class;
    const routed = routeInput(tree, test, i * d, byId);
    const byRules = 'leaf' in routed ? routed.leaf.class : -1;
    if (byHidden === net) agree++;
    if (byRules === net) ruleAgree++;
    if (byHidden === data.test.y[i]) right++;
    if (net === data.test.y[i]) netRight++;
  }
  const exactRules = chain.hidden.length === 1;
  return {
    ...tree,
    method: 'cnet',
    fidelity: m ? agree / m : 1,
    fidelitySamples: m,
    trainFidelity: predicted.length ? trainAgree / predicted.length : 1,
    inputRuleFidelity: m ? ruleAgree / m : 1,
    accuracy: m ? right / m : null,
    networkAccuracy: m ? netRight / m : null,
    hiddenLayer: { nodeId: last.nodeId, width: h },
    exactRules,
    trainSamples: predicted.length,
    c45,
    ...(exactRules
      ? {}
      : {
          warning:
            `With ${chain.hidden.length} hidden layers a split on H is piecewise linear in the input: each input rule is the split's ` +
            `form in the activation region holding most of the node's examples (see regionShare); the splits on H hold everywhere.`,
        }),
    elapsedMs: Date.now() - started,
  };
}

/**
 * The tree's outputs at one input. An input in a region the tree does not hold gets that
 * region's linear model on demand; only its value at the input is needed, and that is
 * the float64 forward pass (the same affine pieces, without building the whole map).
 */
function exactOutputs(tree: TreeStructure, chain: ReluChain, x: Float64Array, offset: number, byId: ReturnType<typeof indexNodes>): { values: number[]; covered: boolean } {
  const routed = routeInput(tree, x, offset, byId);
  if ('leaf' in routed) return { values: leafOutputs(routed.leaf, x, offset), covered: true };
  return { values: Array.from(chainForward(chain, x.subarray(offset, offset + chain.inputDim)).outputs), covered: false };
}

function outputsMatch(tree: number[], net: Float32Array, offset: number): boolean {
  return tree.every((v, j) => Math.abs(v - net[offset + j]) <= 1e-4 * (1 + Math.abs(v)));
}

function classCount(data: LoadedDataset, chain: ReluChain): number {
  return data.spec.task === 'classification' && data.spec.numClasses ? Math.min(data.spec.numClasses, chain.outputDim) : 0;
}

function floatInputs(x: Float32Array | Int32Array): Float64Array {
  return Float64Array.from(x);
}

/** The data's bounding box (train and test inputs). */
export function boundingBox(data: LoadedDataset, d: number): Box {
  const lo = new Array(d).fill(Infinity);
  const hi = new Array(d).fill(-Infinity);
  for (const split of [data.train, data.test]) {
    for (let i = 0; i < split.count; i++) {
      for (let j = 0; j < d; j++) {
        const v = split.x[i * d + j];
        if (v < lo[j]) lo[j] = v;
        if (v > hi[j]) hi[j] = v;
      }
    }
  }
  for (let j = 0; j < d; j++) if (!Number.isFinite(lo[j])) [lo[j], hi[j]] = [0, 0];
  return { lo, hi };
}

export function uniformSamples(box: Box, count: number, seed: number): Float64Array {
  const d = box.lo.length;
  const rng = createRng(seed);
  const out = new Float64Array(count * d);
  for (let i = 0; i < count; i++) for (let j = 0; j < d; j++) out[i * d + j] = box.lo[j] + (box.hi[j] - box.lo[j]) * rng();
  return out;
}

/**
 * Serra et al. (2018)'s simple bound on the number of linear regions: within a region of
 * the layers before, layer l's n_l hyperplanes cut the (at most d-dimensional) input into
 * at most Σ_{j ≤ min(d, n_l)} C(n_l, j) pieces.
 */
export function regionUpperBound(chain: ReluChain): number | null {
  let bound = 1;
  for (const layer of chain.hidden) {
    let sum = 0;
    let binom = 1;
    for (let j = 0; j <= Math.min(chain.inputDim, layer.width); j++) {
      sum += binom;
      binom = (binom * (layer.width - j)) / (j + 1);
    }
    bound *= sum;
  }
  return Number.isFinite(bound) ? bound : null;
}
