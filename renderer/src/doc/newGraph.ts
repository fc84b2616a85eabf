import { DEFAULT_TRAINING, GRAPH_FORMAT, GRAPH_VERSION, type Graph } from '../../../engine/graph/schema.js';

/** A new, empty document: spirals (the friendliest 2-D dataset) and default training. */
export function emptyGraph(): Graph {
  return {
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    meta: { title: 'Untitled' },
    dataset: { name: 'spirals' },
    nodes: [],
    edges: [],
    training: structuredClone(DEFAULT_TRAINING),
  };
}

/** The text saved to disk: two-space JSON with a final newline, stable for diffs. */
export function graphToText(graph: Graph): string {
  return `${JSON.stringify(graph, null, 2)}\n`;
}
