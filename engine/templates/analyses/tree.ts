import { z } from 'zod';
import { extractCNet, extractExactTree } from '../../analysis/tree/index.js';
import { defineAnalysis } from '../analysis.js';

/**
 * The two trees of the decision-trees article (engine/analysis/tree): the exact
 * transformation of a ReLU network (Nguyen, Kasmarik, Abbass), whose fidelity to the
 * network is 1 by construction when the tree is complete, and C-Net (Abbass et al.), a
 * C4.5-style tree on the last hidden layer, back-projected to the input, that only
 * approximates the network.
 */
export const tree = defineAnalysis({
  name: 'tree',
  summary: 'Exact tree and C-Net tree of a ReLU network: fidelity to the network, size',
  metrics: ['treeFidelity', 'treeComplete', 'treeLeaves', 'treeAccuracy', 'cnetFidelity', 'cnetLeaves', 'cnetAccuracy'],
  options: z.strictObject({
    seed: z.number().int().min(0).default(1),
    /** Node limit of the exact tree. */
    limit: z.number().int().min(1).optional(),
    fidelitySamples: z.number().int().min(1).optional(),
  }),
  async run({ model, data, options }) {
    const exact = await extractExactTree(model, data, { seed: options.seed, limit: options.limit, fidelitySamples: options.fidelitySamples });
    const cnet = await extractCNet(model, data, { seed: options.seed });
    return {
      treeFidelity: exact.fidelity,
      treeComplete: exact.complete && !exact.truncated ? 1 : 0,
      treeLeaves: exact.regions,
      treeAccuracy: exact.accuracy ?? NaN,
      cnetFidelity: cnet.fidelity,
      cnetLeaves: cnet.regions,
      cnetAccuracy: cnet.accuracy ?? NaN,
    };
  },
});
