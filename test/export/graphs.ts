import type { Graph, GraphEdge, GraphNode } from '../../engine/graph/schema.js';

/**
 * Small graphs that together use every node kind, so the export tests cover every kind
 * whatever the templates hold. Kept tiny: they are compiled, exported and run in PyTorch
 * and in TensorFlow.js.
 */
function graph(title: string, dataset: Graph['dataset'], nodes: GraphNode[], edges: GraphEdge[]): Graph {
  return {
    format: 'tensorloom.graph',
    version: 1,
    meta: { title },
    dataset,
    nodes,
    edges,
    training: { optimizer: { type: 'adam', learningRate: 0.01 }, batchSize: 8, epochs: 1, seed: 5 },
  };
}

const e = (source: string, target: string, targetPort?: string, sourcePort?: string): GraphEdge => ({
  source,
  target,
  ...(sourcePort ? { sourcePort } : {}),
  ...(targetPort ? { targetPort } : {}),
});

/** Dense layers and activations on 2-D points, two branches, a mixture of experts, and a dangling Softmax (two outputs). */
export const denseGraph = graph(
  'Dense kinds',
  { name: 'spirals', params: { samples: 100 } },
  [
    { id: 'in', type: 'Input' },
    { id: 'h1', type: 'Linear', params: { units: 8 } },
    { id: 'norm', type: 'LayerNorm', params: { eps: 1e-4 } },
    { id: 'act1', type: 'GELU' },
    { id: 'drop', type: 'Dropout', params: { rate: 0.3 } },
    { id: 'h2', type: 'Linear', params: { units: 6 } },
    { id: 'tanh', type: 'Tanh' },
    { id: 'h3', type: 'Linear', params: { units: 5, bias: false } },
    { id: 'sig', type: 'Sigmoid' },
    { id: 'both', type: 'Concat', params: { axis: -1 } },
    { id: 'h4', type: 'Linear', params: { units: 6 } },
    { id: 'act2', type: 'GELU', params: { approximate: 'tanh' } },
    { id: 'skip', type: 'Linear', params: { units: 6 } },
    { id: 'sum', type: 'Add' },
    { id: 'plainNorm', type: 'LayerNorm', params: { affine: false } },
    { id: 'relu', type: 'ReLU' },
    { id: 'experts', type: 'MoE', params: { experts: 3, topK: 2, hidden: 5, units: 4, activation: 'gelu', balanceWeight: 0.05 } },
    { id: 'logits', type: 'Linear', params: { units: 2 } },
    { id: 'probs', type: 'Softmax', params: { axis: 1 } },
    { id: 'loss', type: 'CrossEntropy', params: { labelSmoothing: 0.1 } },
  ],
  [
    e('in', 'h1', undefined, 'x'), e('h1', 'norm'), e('norm', 'act1'), e('act1', 'drop'), e('drop', 'h2'), e('h2', 'tanh'),
    e('drop', 'h3'), e('h3', 'sig'), e('tanh', 'both', 'a'), e('sig', 'both', 'b'), e('both', 'h4'), e('h4', 'act2'),
    e('in', 'skip', undefined, 'x'), e('act2', 'sum', 'a'), e('skip', 'sum', 'b'), e('sum', 'plainNorm'), e('plainNorm', 'relu'),
    e('relu', 'experts'), e('experts', 'logits'), e('logits', 'probs'), e('logits', 'loss', 'logits'), e('in', 'loss', 'labels', 'y'),
  ],
);

/** Token ids through Embedding, a [CLS] token, ModAttn, MoA, a Script and the pooling kinds. */
export const tokenGraph = graph(
  'Token kinds',
  { name: 'modular-addition', params: { p: 7, trainFraction: 0.5 } },
  [
    { id: 'in', type: 'Input' },
    { id: 'embed', type: 'Embedding', params: { vocab: 7, dim: 8 } },
    { id: 'cls', type: 'ClsToken' },
    { id: 'attn', type: 'ModAttn', params: { heads: 2, keyDim: 0, codeDim: 4 } },
    { id: 'residual', type: 'Add' },
    { id: 'heads', type: 'MoA', params: { experts: 3, topK: 2, heads: 2, headDim: 3, causal: true } },
    { id: 'script', type: 'Script', params: { functions: 3, typeDim: 4, codeDim: 4, loc: 2, iterations: 2, heads: 2, hidden: 8, keyDim: 3, truncation: 1.3, temperature: 0.7, mlpLayers: 2 } },
    { id: 'moeTokens', type: 'MoE', params: { experts: 2, topK: 1, hidden: 4, units: 8, balanceWeight: 0 } },
    { id: 'first', type: 'SelectToken', params: { index: 0 } },
    { id: 'last', type: 'SelectToken', params: { index: -1 } },
    { id: 'mean', type: 'MeanPool', params: { axis: 1 } },
    { id: 'joined', type: 'Concat', params: { axis: 1 } },
    { id: 'logits', type: 'Linear', params: { units: 7 } },
    { id: 'loss', type: 'CrossEntropy' },
  ],
  [
    e('in', 'embed', undefined, 'x'), e('embed', 'cls'), e('cls', 'attn'), e('cls', 'residual', 'a'), e('attn', 'residual', 'b'),
    e('residual', 'heads'), e('heads', 'script'), e('script', 'moeTokens'), e('moeTokens', 'first'), e('moeTokens', 'last'),
    e('moeTokens', 'mean'), e('first', 'joined', 'a'), e('last', 'joined', 'b'), e('mean', 'joined', 'c'), e('joined', 'logits'),
    e('logits', 'loss', 'logits'), e('in', 'loss', 'labels', 'y'),
  ],
);

/** Images cut into patches (ViT style), flattened, classified. */
export const patchGraph = graph(
  'Patch kinds',
  { name: 'mnist', params: { trainSamples: 10, testSamples: 10 } },
  [
    { id: 'in', type: 'Input' },
    { id: 'patches', type: 'Patchify', params: { patch: 7 } },
    { id: 'embed', type: 'Linear', params: { units: 6 } },
    { id: 'pooled', type: 'MeanPool', params: { axis: -1 } },
    { id: 'flat', type: 'Flatten' },
    { id: 'logits', type: 'Linear', params: { units: 10 } },
    { id: 'loss', type: 'CrossEntropy' },
  ],
  [
    e('in', 'patches', undefined, 'x'), e('patches', 'embed'), e('embed', 'flat'), e('embed', 'pooled'), e('flat', 'logits'),
    e('logits', 'loss', 'logits'), e('in', 'loss', 'labels', 'y'),
  ],
);

/**
 * Soft targets with all three losses, node ids that are keywords or names the generated
 * code uses itself (Python's `class`, nn.Module's `eval`, JavaScript's `tf`, ids with
 * dots and a leading underscore), which the exporters must rename, and a title with
 * quotes and escape sequences that must not break the generated comments.
 */
export const awkwardGraph = graph(
  'Awkward "names" \\N{x} & losses """ */ `',
  { name: 'teacher', params: { samples: 40, features: 4, classes: 3 } },
  [
    { id: 'in', type: 'Input' },
    { id: 'class', type: 'Linear', params: { units: 6 } },
    { id: 'eval', type: 'ReLU' },
    { id: 'tf', type: 'Linear', params: { units: 3 } },
    { id: 'x', type: 'Softmax' },
    { id: '1st.layer', type: 'Linear', params: { units: 3 } },
    { id: '_private', type: 'Sigmoid' },
    { id: 'kl', type: 'KLDiv' },
    { id: 'klProbs', type: 'KLDiv', params: { qInput: 'probabilities' } },
    { id: 'mse', type: 'MSE' },
  ],
  [
    e('in', 'class', undefined, 'x'), e('class', 'eval'), e('eval', 'tf'), e('tf', 'x'), e('in', '1st.layer', undefined, 'x'),
    e('1st.layer', '_private'), e('in', 'kl', 'p', 'y'), e('tf', 'kl', 'q'), e('in', 'klProbs', 'p', 'y'), e('x', 'klProbs', 'q'),
    e('_private', 'mse', 'pred'), e('in', 'mse', 'target', 'y'),
  ],
);

export const kindGraphs: Record<string, Graph> = {
  dense: denseGraph,
  tokens: tokenGraph,
  patches: patchGraph,
  awkward: awkwardGraph,
};
