import type { Graph } from '../../../engine/graph/schema.js';
import { decodeShareStringAsync, ShareError } from '../../../engine/export/shareBrowser.js';
import { copySelection, deleteSelection, occupiedAreas, pasteClipboard } from '../actions/editCommands.js';
import type { AppServices } from '../app/services.js';
import { isTextTarget } from '../app/textTarget.js';
import { freeSpot } from '../canvas/freeSpot.js';
import { pasteClip, type GraphClip } from '../doc/graphEdits.js';
import { sameJson } from '../doc/newGraph.js';
import { fitWhenRendered } from '../files/fileCommands.js';
import { select, toast } from '../view/viewStore.js';
import { clipBounds, fragmentToText, graphAsClip, readPastedText } from './clipboardFormat.js';
import { hasTextSelection, readSystemText, writeSystemText, canReadSystemText } from './systemClipboard.js';

/**
 * Copy and paste across windows. Copy puts the selected nodes and the edges between
 * them on the app's clipboard and, as a fragment (clipboardFormat.ts), on the system's;
 * Paste reads the system clipboard: a fragment, a whole graph's JSON, a share string or
 * a share link. Keyboard and the Edit menu reach these through the page's own copy and
 * paste events (which need no clipboard permission); the command palette and the
 * context menu through the actions.
 */

/** Apps whose last copy did not reach the system clipboard: their Paste uses the app's own. */
const systemCopyFailed = new WeakSet<AppServices>();

function noteSystemCopy(app: AppServices, ok: boolean): void {
  if (ok) systemCopyFailed.delete(app);
  else systemCopyFailed.add(app);
}

/** The Copy and Cut actions: the app's clipboard at once, then the system's. */
export function copyToClipboards(app: AppServices, cut = false): void {
  if (!copySelection(app)) return;
  const text = fragmentToText(app.clipboard.current!);
  if (cut) deleteSelection(app);
  if (typeof document === 'undefined') return; // no page (unit tests): the app's clipboard only
  void writeSystemText(text).then((ok) => noteSystemCopy(app, ok));
}

/** The Paste action: the system clipboard when it can be read, else the app's own. */
export function pasteFromClipboards(app: AppServices): void | Promise<void> {
  if (!canReadSystemText()) return pasteClipboard(app);
  return readSystemText().then((text) => (text === null ? pasteClipboard(app) : pasteText(app, text)));
}

/** The page's copy and cut events (keyboard, Edit menu) while the canvas has the focus. */
export function handleCopyEvent(app: AppServices, event: ClipboardEvent, cut: boolean): void {
  if (event.defaultPrevented || app.view.getState().modal || isTextTarget(event.target) || hasTextSelection()) return;
  if (!copySelection(app)) return;
  event.clipboardData?.setData('text/plain', fragmentToText(app.clipboard.current!));
  event.preventDefault();
  noteSystemCopy(app, !!event.clipboardData);
  if (cut) deleteSelection(app);
}

/** The page's paste event while the canvas has the focus (text fields and the code view paste text). */
export function handlePasteEvent(app: AppServices, event: ClipboardEvent): void {
  if (event.defaultPrevented || app.view.getState().modal || isTextTarget(event.target)) return;
  event.preventDefault();
  void pasteText(app, event.clipboardData?.getData('text/plain') ?? '');
}

/** Pastes what the text holds; text that is not a graph is left alone, with a short message. */
export async function pasteText(app: AppServices, text: string): Promise<void> {
  const content = readPastedText(text);
  switch (content.kind) {
    case 'fragment':
      return pasteNodes(app, content.clip);
    case 'graph':
      return pasteGraph(app, content.graph);
    case 'share': {
      let graph: Graph;
      try {
        graph = await decodeShareStringAsync(content.text);
      } catch (err) {
        toast(app.view, `Nothing pasted: ${err instanceof ShareError ? err.message : (err as Error).message}.`, 'error', 8000);
        return;
      }
      return pasteGraph(app, graph);
    }
    case 'none':
      // The last copy never reached the system clipboard: what it holds is older.
      if (app.clipboard.current && (systemCopyFailed.has(app) || !text.trim())) return pasteClipboard(app);
      toast(app.view, `Nothing pasted: ${content.reason}.`);
  }
}

/**
 * A whole graph: into an empty canvas it becomes the graph, dataset and training
 * included; into a graph with nodes only its nodes and edges go. One undo step either way.
 */
function pasteGraph(app: AppServices, graph: Graph): void {
  if (app.doc.get().graph.nodes.length > 0) {
    pasteNodes(app, graphAsClip(graph), ' (its dataset and training settings are not pasted into a graph that has nodes)');
    return;
  }
  app.doc.replace('Paste graph', graph);
  select(app.view, []);
  fitWhenRendered(app);
  toast(app.view, `Pasted ${graph.meta?.title ? `"${graph.meta.title}"` : 'the graph'}: ${count(graph.nodes.length, 'node')}, its dataset and training settings`);
}

/**
 * Nodes with fresh ids. The app's own last copy pastes as before (each paste a step
 * down and right); nodes from elsewhere go to a free spot in the middle of the view.
 */
function pasteNodes(app: AppServices, clip: GraphClip, note = ''): void {
  if (clip.nodes.length === 0) {
    toast(app.view, 'Nothing pasted: the copied graph has no nodes.');
    return;
  }
  const own = app.clipboard.current;
  if (own && sameJson(own, clip)) return pasteClipboard(app);
  const bounds = clipBounds(clip);
  const c = app.canvasCenter();
  const spot = freeSpot(occupiedAreas(app), { x: Math.round(c.x - bounds.width / 2), y: Math.round(c.y - bounds.height / 2) }, { width: bounds.width, height: bounds.height });
  const label = clip.nodes.length === 1 ? 'Paste node' : `Paste ${clip.nodes.length} nodes`;
  const ids = app.doc.change(label, (g) => pasteClip(g, clip, { x: spot.x - bounds.x, y: spot.y - bounds.y }));
  select(app.view, ids);
  toast(app.view, `Pasted ${count(clip.nodes.length, 'node')} and ${count(clip.edges.length, 'edge')}${note}`);
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
