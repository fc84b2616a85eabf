import { original, type Draft } from 'immer';
import type { Graph } from '../../../engine/graph/schema.js';
import type { Position } from '../doc/graphEdits.js';

/**
 * Moves the dragged nodes (to whole pixels, as graphEdits' moveNodes does), touching
 * only their drafts: reading every node of the draft makes immer wrap and then finalize
 * all thousand nodes of a large graph, on every frame of a drag.
 */
export function moveDragged(g: Draft<Graph>, positions: Record<string, Position>): void {
  const nodes = original(g.nodes) ?? [];
  nodes.forEach((node, i) => {
    const p = positions[node.id];
    if (p) g.nodes[i].position = { x: Math.round(p.x), y: Math.round(p.y) };
  });
}
