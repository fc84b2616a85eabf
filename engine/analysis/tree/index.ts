/** Decision trees from ReLU networks: the exact transformation and C-Net (see each module). */
export { extractExactTree, extractCNet, DEFAULT_NODE_LIMIT, DEFAULT_FIDELITY_SAMPLES, LP_AUTO_MAX_INPUTS } from './extract.js';
export type { ExactTreeResult, CNetResult, TreeResult, ExactOptions, CNetOptions } from './extract.js';
export { reluChain, chainFromLayers, chainForward, ChainError, type ReluChain } from './chain.js';
export { buildExactTree } from './exactTree.js';
export { buildCNet } from './cnet.js';
export { fitC45, predictC45, type C45Options } from './c45.js';
export { routeInput, routeHidden, leafOutputs } from './route.js';
export { regionAt, type AffineMap } from './affine.js';
export type { TreeStructure, TreeNode, SplitNode, LeafNode, LinearRule, TreeRuleText } from './types.js';
