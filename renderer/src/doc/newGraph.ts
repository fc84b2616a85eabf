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

// Key order of the file format (as the schema declares it), so a file reads the same
// whichever order the edits happened in, and saving what was opened changes nothing.
// The doc store's unsaved mark compares graphs in this same order (docStore.ts).
export const GRAPH_KEYS: readonly string[] = ['format', 'version', 'meta', 'dataset', 'nodes', 'edges', 'training'];
export const NODE_KEYS: readonly string[] = ['id', 'type', 'label', 'params', 'position'];
export const EDGE_KEYS: readonly string[] = ['id', 'source', 'sourcePort', 'target', 'targetPort'];

/** The keys `value` writes out, in order: the listed ones first, then any others as they come. */
export function writtenKeys(value: object, keys: readonly string[]): string[] {
  const v = value as Record<string, unknown>;
  const out = keys.filter((k) => v[k] !== undefined);
  for (const k of Object.keys(v)) if (!keys.includes(k) && v[k] !== undefined) out.push(k);
  return out;
}

function ordered<T extends object>(value: T, keys: readonly string[]): T {
  const out: Record<string, unknown> = {};
  const v = value as Record<string, unknown>;
  for (const k of writtenKeys(v, keys)) out[k] = v[k];
  return out as T;
}

/** The text saved to disk: two-space JSON in the format's key order, with a final newline. */
export function graphToText(graph: Graph): string {
  const g = ordered(graph, GRAPH_KEYS);
  const text = {
    ...g,
    nodes: graph.nodes.map((n) => ordered(n, NODE_KEYS)),
    edges: graph.edges.map((e) => ordered(e, EDGE_KEYS)),
  };
  return `${JSON.stringify(ordered(text, GRAPH_KEYS), null, 2)}\n`;
}

/** Deep equality of JSON values, ignoring key order. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((v, i) => sameJson(v, (b as unknown[])[i]));
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
