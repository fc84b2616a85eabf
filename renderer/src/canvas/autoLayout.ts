import type { Graph } from '../../../engine/graph/schema.js';
import type { Position } from '../doc/graphEdits.js';

export const COLUMN_GAP = 260;
export const ROW_GAP = 150;

/**
 * Places nodes a file gives no position: columns by longest path from the inputs,
 * rows in file order. Positions given in the file are kept; placed ones stay out of
 * the document until the user moves the node.
 */
export function layoutMissing(graph: Pick<Graph, 'nodes' | 'edges'>): Map<string, Position> {
  const placed = new Map<string, Position>();
  const missing = graph.nodes.filter((n) => !n.position);
  if (missing.length === 0) return placed;
  const depth = new Map<string, number>(graph.nodes.map((n) => [n.id, 0]));
  // Longest-path layering; at most |nodes| rounds, so a cycle cannot loop forever.
  for (let round = 0; round < graph.nodes.length; round++) {
    let changed = false;
    for (const e of graph.edges) {
      const d = (depth.get(e.source) ?? 0) + 1;
      if (depth.has(e.target) && d > depth.get(e.target)! && d <= graph.nodes.length) {
        depth.set(e.target, d);
        changed = true;
      }
    }
    if (!changed) break;
  }
  const rows = new Map<number, number>();
  for (const n of graph.nodes) {
    const col = depth.get(n.id) ?? 0;
    const row = rows.get(col) ?? 0;
    rows.set(col, row + 1);
    if (!n.position) placed.set(n.id, { x: col * COLUMN_GAP, y: row * ROW_GAP });
  }
  return placed;
}
