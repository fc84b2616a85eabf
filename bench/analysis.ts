/**
 * Analysis timings for `npm run bench`: a 41×41 loss landscape of the spirals MLP on 10,000
 * training samples (target < 30 s) and exact tree extraction on a 2×16 ReLU net (< 5 s),
 * both on a trained model, as the app runs them.
 */
import { lossLandscape } from '../engine/analysis/landscape/index.js';
import { extractExactTree } from '../engine/analysis/tree/index.js';
import { loadDataset } from '../engine/data/registry.js';
import type { Graph, GraphEdge, GraphNode } from '../engine/graph/schema.js';
import { trainGraph } from '../engine/run/trainGraph.js';
import type { BackendName } from '../engine/backend/select.js';

export interface AnalysisRow {
  name: string;
  ms: number;
  targetMs: number;
}

function spiralsMlp(widths: number[], samples: number, epochs: number): Graph {
  const nodes: GraphNode[] = [{ id: 'in', type: 'Input' }];
  const edges: GraphEdge[] = [];
  let prev: Pick<GraphEdge, 'source' | 'sourcePort'> = { source: 'in', sourcePort: 'x' };
  widths.forEach((units, i) => {
    nodes.push({ id: `h${i}`, type: 'Linear', params: { units } }, { id: `a${i}`, type: 'ReLU' });
    edges.push({ ...prev, target: `h${i}` }, { source: `h${i}`, target: `a${i}` });
    prev = { source: `a${i}` };
  });
  nodes.push({ id: 'out', type: 'Linear', params: { units: 2 } }, { id: 'loss', type: 'CrossEntropy' });
  edges.push({ ...prev, target: 'out' }, { source: 'out', target: 'loss', targetPort: 'logits' }, { source: 'in', sourcePort: 'y', target: 'loss', targetPort: 'labels' });
  return {
    format: 'tensorloom.graph',
    version: 1,
    dataset: { name: 'spirals', params: { samples } },
    nodes,
    edges,
    training: { optimizer: { type: 'adam', learningRate: 0.01 }, batchSize: 64, epochs, seed: 1 },
  };
}

async function trainedModel(graph: Graph, backend: BackendName) {
  const result = await trainGraph(graph, { backend, keepModel: true, onEvent: (e) => { if (e.event === 'error') throw new Error(e.message); } });
  if (!result.model) throw new Error('bench: training the analysis model failed');
  return { model: result.model, data: await loadDataset(graph.dataset, graph.training?.seed ?? 1) };
}

export async function analysisBenchmarks(backend: BackendName): Promise<AnalysisRow[]> {
  // 12,500 samples with the default 20% test split leave 10,000 for training.
  const landscapeGraph = spiralsMlp([32, 32], 12_500, 3);
  const forLandscape = await trainedModel(landscapeGraph, backend);
  let started = performance.now();
  const landscape = await lossLandscape(forLandscape.model, forLandscape.data, { grid: 41, sharpness: false });
  const landscapeMs = performance.now() - started;
  if (landscape.samples !== 10_000) throw new Error(`bench: the landscape used ${landscape.samples} samples, not 10,000`);
  forLandscape.model.dispose();

  const forTree = await trainedModel(spiralsMlp([16, 16], 1000, 30), backend);
  started = performance.now();
  await extractExactTree(forTree.model, forTree.data);
  const treeMs = performance.now() - started;
  forTree.model.dispose();
  return [
    { name: 'loss landscape 41×41, spirals MLP 2-32-32-2, 10,000 samples', ms: Math.round(landscapeMs), targetMs: 30_000 },
    { name: 'exact tree extraction, 2×16 ReLU net (spirals)', ms: Math.round(treeMs), targetMs: 5_000 },
  ];
}
