import { spawnSync } from 'node:child_process';
import type { CompiledModel } from '../../engine/compile/compile.js';
import { loadDataset } from '../../engine/data/registry.js';
import type { LoadedDataset } from '../../engine/data/spec.js';
import type { Graph, GraphEdge, GraphNode } from '../../engine/graph/schema.js';
import { trainGraph } from '../../engine/run/trainGraph.js';

/** Input → (Linear → ReLU)×widths → Linear(classes) → CrossEntropy. */
export function mlpGraph(widths: number[], dataset: Graph['dataset'], training: Partial<NonNullable<Graph['training']>> = {}, classes = 2): Graph {
  const nodes: GraphNode[] = [{ id: 'in', type: 'Input' }];
  const edges: GraphEdge[] = [];
  let prev: { source: string; sourcePort?: string } = { source: 'in', sourcePort: 'x' };
  widths.forEach((units, i) => {
    nodes.push({ id: `h${i + 1}`, type: 'Linear', params: { units } }, { id: `a${i + 1}`, type: 'ReLU' });
    edges.push({ ...prev, target: `h${i + 1}` }, { source: `h${i + 1}`, target: `a${i + 1}` });
    prev = { source: `a${i + 1}` };
  });
  nodes.push({ id: 'out', type: 'Linear', params: { units: classes } }, { id: 'loss', type: 'CrossEntropy' });
  edges.push({ ...prev, target: 'out' }, { source: 'out', target: 'loss', targetPort: 'logits' }, { source: 'in', sourcePort: 'y', target: 'loss', targetPort: 'labels' });
  return {
    format: 'tensorloom.graph',
    version: 1,
    dataset,
    nodes,
    edges,
    training: { optimizer: { type: 'adam', learningRate: 0.02 }, batchSize: 32, epochs: 30, seed: 1, ...training },
  };
}

/** Trains on the cpu backend and returns the kept model with the dataset (same seed, same split). */
export async function trained(graph: Graph): Promise<{ model: CompiledModel; data: LoadedDataset; testAccuracy: number }> {
  const result = await trainGraph(graph, {
    backend: 'cpu',
    keepModel: true,
    onEvent: (e) => {
      if (e.event === 'error') throw new Error(e.message);
    },
  });
  if (!result.model) throw new Error('training failed');
  const data = await loadDataset(graph.dataset, graph.training?.seed ?? 1);
  return { model: result.model, data, testAccuracy: result.final?.metrics.testAccuracy ?? NaN };
}

const PYTHON = '/usr/bin/python3';
let sklearn: boolean | undefined;

/** True where Debian's python3-sklearn imports. In CI it must: a missing sklearn fails instead of skipping. */
export function sklearnAvailable(): boolean {
  if (sklearn === undefined) {
    sklearn = spawnSync(PYTHON, ['-c', 'import sklearn'], { encoding: 'utf8' }).status === 0;
    if (!sklearn && process.env.CI) throw new Error('scikit-learn is required in CI: apt-get install -y python3-sklearn');
  }
  return sklearn;
}

/** Runs a Python snippet with `data` (JSON) in scope; the snippet sets `result`. */
export function runPython<T>(snippet: string, data: unknown): T {
  const program = ['import json, sys', 'data = json.load(sys.stdin)', 'result = None', snippet, 'json.dump(result, sys.stdout)'].join('\n');
  const r = spawnSync(PYTHON, ['-c', program], { input: JSON.stringify(data), encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`python failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}
