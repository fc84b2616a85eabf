import { findNodeAtLocation, parseTree, type Node as JsonNode } from 'jsonc-parser';
import type { Problem } from '../../../engine/graph/problems.js';
import type { Graph } from '../../../engine/graph/schema.js';

export interface TextMarker {
  startLineNumber: number;
  startColumn: number;
  endLineNumber: number;
  endColumn: number;
  message: string;
  severity: 'error' | 'warning';
}

/**
 * Places the engine's problems in the JSON text: at the path the problem names, else at
 * the node it names (by id), else at the top. The validator works on the graph object,
 * so lines are found here, in the text the user sees.
 */
export function problemMarkers(text: string, problems: readonly Problem[], graph: Graph): TextMarker[] {
  const tree = parseTree(text);
  if (!tree) return [];
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const position = (offset: number) => {
    let lo = 0,
      hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - lineStarts[lo] + 1 };
  };
  const markers: TextMarker[] = [];
  for (const p of problems) {
    let node: JsonNode | undefined;
    if (p.path) node = findNodeAtLocation(tree, splitPath(p.path));
    if (!node && p.nodeId !== undefined) {
      const index = graph.nodes.findIndex((n) => n.id === p.nodeId);
      if (index >= 0) {
        const item = findNodeAtLocation(tree, ['nodes', index]);
        node = (p.param && item && findNodeAtLocation(item, ['params', p.param])) || (item && findNodeAtLocation(item, ['type'])) || item;
      }
    }
    if (!node && p.edgeIndex !== undefined) node = findNodeAtLocation(tree, ['edges', p.edgeIndex]);
    // Objects and arrays are marked on their first line only, not their whole span.
    const start = position(node?.offset ?? 0);
    const end = node && node.type !== 'object' && node.type !== 'array' ? position(node.offset + node.length) : { line: start.line, column: start.column + 1 };
    markers.push({ startLineNumber: start.line, startColumn: start.column, endLineNumber: end.line, endColumn: end.column, message: p.message, severity: p.severity });
  }
  return markers;
}

/** "nodes[3].params.units" → ['nodes', 3, 'params', 'units']. */
export function splitPath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const part of path.split('.')) {
    const re = /([^[\]]+)|\[(\d+)\]/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(part))) out.push(m[1] !== undefined ? m[1] : Number(m[2]));
  }
  return out;
}
