import { createContext } from 'react';

/**
 * Zoomed out, the one `<svg>` every edge draws its path into, or null when edges draw in
 * React Flow's own wrappers. React Flow 12 wraps each edge in an `<svg>` of its own, and
 * each is a paint chunk that Chromium re-layers after every change on the page: with 400
 * edges on a zoomed-out screen that was ~2-3 ms of every inspector keystroke. The paths
 * stay React children of their edges, so clicks, context menus and selection still reach
 * React Flow's edge handlers through the portal.
 */
export const EdgeSheet = createContext<SVGSVGElement | null>(null);
