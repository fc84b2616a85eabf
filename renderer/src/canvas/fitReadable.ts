import type { ReactFlowInstance } from '@xyflow/react';

/** Below this zoom node text gets too small to read on a projector. */
export const READABLE_ZOOM = 0.7;

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The viewport that shows a graph: all of it when it fits at a readable zoom, else its
 * start (the inputs, on the left) at the readable zoom, vertically centred.
 */
export function readableViewport(bounds: Box, view: { width: number; height: number }, padding = 48): { x: number; y: number; zoom: number } {
  const fit = Math.min((view.width - 2 * padding) / Math.max(bounds.width, 1), (view.height - 2 * padding) / Math.max(bounds.height, 1));
  const zoom = Math.max(READABLE_ZOOM, Math.min(1.1, fit));
  const contentW = bounds.width * zoom;
  const contentH = bounds.height * zoom;
  const x = contentW <= view.width - 2 * padding ? (view.width - contentW) / 2 - bounds.x * zoom : padding - bounds.x * zoom;
  const y = contentH <= view.height - 2 * padding ? (view.height - contentH) / 2 - bounds.y * zoom : padding - bounds.y * zoom;
  return { x, y, zoom };
}

export function fitReadable(flow: ReactFlowInstance<any, any>, canvas: Element | null, duration = 0): void {
  const nodes = flow.getNodes();
  if (!canvas || nodes.length === 0) return;
  const bounds = flow.getNodesBounds(nodes);
  const rect = canvas.getBoundingClientRect();
  void flow.setViewport(readableViewport(bounds, { width: rect.width, height: rect.height }), { duration });
}
