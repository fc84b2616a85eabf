import type { AppServices } from '../app/services.js';
import { addNode, copyNodes, pasteClip, removeEdges, removeNodes, type Position } from '../doc/graphEdits.js';
import { edgeKey } from '../doc/ids.js';
import { select } from '../view/viewStore.js';
import { freeSpot } from '../canvas/freeSpot.js';

/** Graph commands that read the selection; each one is a single undo stop. */

export function hasSelection(app: AppServices): boolean {
  const { selectedNodes, selectedEdges } = app.view.getState();
  return selectedNodes.size > 0 || selectedEdges.size > 0;
}

export function deleteSelection(app: AppServices): void {
  const { selectedNodes, selectedEdges } = app.view.getState();
  if (!selectedNodes.size && !selectedEdges.size) return;
  const count = selectedNodes.size + selectedEdges.size;
  app.doc.change(count === 1 ? (selectedNodes.size ? 'Delete node' : 'Delete edge') : `Delete ${count} items`, (g) => {
    removeEdges(g, selectedEdges);
    removeNodes(g, selectedNodes);
  });
  select(app.view, []);
}

/** Copies the selected nodes and the edges between them to the app's own clipboard. */
export function copySelection(app: AppServices): boolean {
  const { selectedNodes } = app.view.getState();
  if (!selectedNodes.size) return false;
  app.clipboard.current = copyNodes(app.doc.get().graph, selectedNodes);
  app.clipboard.pastes = 0;
  return true;
}

export function pasteClipboard(app: AppServices): void {
  const clip = app.clipboard.current;
  if (!clip || clip.nodes.length === 0) return;
  app.clipboard.pastes += 1;
  const shift = 40 * app.clipboard.pastes;
  const ids = app.doc.change(clip.nodes.length === 1 ? 'Paste node' : `Paste ${clip.nodes.length} nodes`, (g) => pasteClip(g, clip, { x: shift, y: shift }));
  select(app.view, ids);
}

export function duplicateSelection(app: AppServices): void {
  const { selectedNodes } = app.view.getState();
  if (!selectedNodes.size) return;
  const clip = copyNodes(app.doc.get().graph, selectedNodes);
  const ids = app.doc.change(selectedNodes.size === 1 ? 'Duplicate node' : `Duplicate ${selectedNodes.size} nodes`, (g) => pasteClip(g, clip, { x: 40, y: 40 }));
  select(app.view, ids);
}

export function selectAll(app: AppServices): void {
  const { graph } = app.doc.get();
  select(app.view, graph.nodes.map((n) => n.id), graph.edges.map(edgeKey));
}

/** Adds a node of `type`; without a position it goes to the middle of the visible canvas. */
export function addNodeOfType(app: AppServices, type: string, at?: Position): string {
  const p = at ?? offsetFromCenter(app);
  const id = app.doc.change(`Add ${type}`, (g) => addNode(g, type, p));
  select(app.view, [id]);
  app.view.setState({ rightTab: 'node' });
  return id;
}

/** The canvas areas the placed nodes cover (their measured size, or a typical node's before the first render). */
export function occupiedAreas(app: AppServices): { x: number; y: number; width: number; height: number }[] {
  const measured = app.view.getState().measured;
  return app.doc
    .get()
    .graph.nodes.filter((n) => n.position)
    .map((n) => ({ x: n.position!.x, y: n.position!.y, width: measured[n.id]?.width ?? 170, height: measured[n.id]?.height ?? 90 }));
}

function offsetFromCenter(app: AppServices): Position {
  const c = app.canvasCenter();
  return freeSpot(occupiedAreas(app), { x: Math.round(c.x - 85), y: Math.round(c.y - 45) });
}
