import { z } from 'zod';
import { tf } from '../../tf.js';
import { batchIterator } from '../../data/batches.js';
import { resolveDatasetParams } from '../../data/kind.js';
import { gaussians } from '../../data/synthetic/gaussians.js';
import type { DataSplit, DatasetSpec } from '../../data/spec.js';
import type { CompiledModel } from '../../compile/compile.js';
import type { DatasetRef } from '../../graph/schema.js';
import { defineAnalysis } from '../analysis.js';

/**
 * Do the experts specialise? Each test token's chosen expert E (the largest gate) is
 * set against its group G, the class or (on `gaussians`) the cluster it was drawn from:
 *
 *   expertSpecialisation = I(G; E) / H(E) = 1 − H(E | G) / H(E)
 *
 * the share of the routing's uncertainty the group explains (Theil's uncertainty
 * coefficient): 1 when the group fixes the expert, 0 when routing ignores the group.
 * It says nothing about how many experts are used (a gate that sends everything to one
 * expert has H(E) = 0 and scores NaN, failing any rule): pair it with
 * `expertUsageEntropy` = H(E), at most `maxRoutingEntropy` = log E when use is even.
 */
export const routing = defineAnalysis({
  name: 'routing',
  summary: 'How much the chosen expert depends on the class or cluster (uncertainty coefficient), and how evenly experts are used',
  metrics: ['expertSpecialisation', 'routingMutualInformation', 'meanRoutingEntropy', 'maxRoutingEntropy', 'expertUsageEntropy'],
  options: z.strictObject({
    /** The MoE/MoA node; default: the first node that records gates. */
    node: z.string().optional(),
    groupBy: z.enum(['class', 'cluster']).default('class'),
  }),
  async run({ model, data, graph, options }) {
    const nodeId = options.node ?? model.nodes.find((n) => n.type === 'MoE' || n.type === 'MoA')?.id;
    if (!nodeId) throw new Error('routing: the graph has no MoE or MoA node');
    const experts = await chosenExperts(model, data.test, data.spec, nodeId);
    const groups = options.groupBy === 'cluster' ? gaussianClusters(data.test, graph.dataset) : labels(data.test);
    if (experts.rows % groups.length !== 0) throw new Error(`routing: node "${nodeId}" routed ${experts.rows} tokens for ${groups.length} examples`);
    const perExample = experts.rows / groups.length;
    const tokenGroups = Int32Array.from({ length: experts.rows }, (_, t) => groups[Math.floor(t / perExample)]);
    return routingStatistics(tokenGroups, experts.choice, experts.count);
  },
});

/** Mutual information and entropies (nats) of group G and chosen expert E over tokens. */
export function routingStatistics(groups: ArrayLike<number>, choice: ArrayLike<number>, experts: number): Record<string, number> {
  const joint = new Map<number, Float64Array>();
  const expertTotals = new Float64Array(experts);
  const n = choice.length;
  for (let t = 0; t < n; t++) {
    let row = joint.get(groups[t]);
    if (!row) joint.set(groups[t], (row = new Float64Array(experts)));
    row[choice[t]]++;
    expertTotals[choice[t]]++;
  }
  const entropy = (counts: ArrayLike<number>, total: number) => {
    let h = 0;
    for (let i = 0; i < counts.length; i++) if (counts[i] > 0) h -= (counts[i] / total) * Math.log(counts[i] / total);
    return h;
  };
  const usage = entropy(expertTotals, n);
  let conditional = 0;
  for (const row of joint.values()) {
    const size = row.reduce((a, b) => a + b, 0);
    conditional += (size / n) * entropy(row, size);
  }
  const mi = Math.max(0, usage - conditional);
  return {
    expertSpecialisation: usage > 0 ? mi / usage : NaN,
    routingMutualInformation: mi,
    meanRoutingEntropy: conditional,
    maxRoutingEntropy: Math.log(experts),
    expertUsageEntropy: usage,
  };
}

/** The expert with the largest gate for every token of the split, in split order. */
async function chosenExperts(model: CompiledModel, split: DataSplit, spec: DatasetSpec, nodeId: string) {
  const choices: Int32Array[] = [];
  let count = 0;
  for (const batch of batchIterator(split, spec, 1000, { shuffle: false, seed: 0, epoch: 0 })) {
    const choice = tf.tidy(() => {
      const r = model.forward({ x: batch.x, y: batch.y }, { training: false });
      const gates = r.records[nodeId]?.gates;
      if (!gates) throw new Error(`routing: node "${nodeId}" records no gates`);
      count = gates.shape[gates.rank - 1];
      return tf.argMax(tf.reshape(gates, [-1, count]), 1);
    });
    batch.x.dispose();
    batch.y.dispose();
    choices.push((await choice.data()) as Int32Array);
    choice.dispose();
  }
  const rows = choices.reduce((a, c) => a + c.length, 0);
  const choice = new Int32Array(rows);
  let at = 0;
  for (const c of choices) {
    choice.set(c, at);
    at += c.length;
  }
  return { choice, rows, count };
}

function labels(split: DataSplit): Int32Array {
  if (!(split.y instanceof Int32Array)) throw new Error('routing: grouping by class needs class-id labels');
  return split.y;
}

/**
 * The cluster each point of a `gaussians` split was drawn from: the nearest centre of
 * the grid the generator lays its clusters on (engine/data/synthetic/gaussians.ts).
 * With the default spread (0.15 of the centre spacing) the midline to a neighbour
 * lies 3.3 standard deviations out, so about 2 points in 1000 are misassigned.
 */
export function gaussianClusters(split: DataSplit, dataset: DatasetRef): Int32Array {
  if (dataset.name !== 'gaussians') throw new Error(`routing: groupBy "cluster" needs the gaussians dataset, not "${dataset.name}"`);
  const { params } = resolveDatasetParams(gaussians.params, dataset.params);
  const clusters = params.classes * params.clustersPerClass;
  const columns = Math.ceil(Math.sqrt(clusters));
  const rows = Math.ceil(clusters / columns);
  const step = 2 / Math.max(1, columns - 1);
  const nearest = (v: number, cells: number) => Math.min(cells - 1, Math.max(0, Math.round(v / step + (cells - 1) / 2)));
  const out = new Int32Array(split.count);
  for (let i = 0; i < split.count; i++) {
    out[i] = nearest(split.x[2 * i + 1], rows) * columns + nearest(split.x[2 * i], columns);
  }
  return out;
}
