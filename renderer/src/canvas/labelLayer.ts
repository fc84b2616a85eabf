import { createContext } from 'react';

/**
 * The element edge labels are portalled into (React Flow's edge-label layer), found once
 * by the canvas. React Flow's own EdgeLabelRenderer looks it up with a querySelector in
 * a store selector of every edge, which runs for every edge on every store update: with
 * a thousand edges that alone took most of each drag frame.
 */
export const LabelLayer = createContext<HTMLElement | null>(null);
