import { encodeShareStringAsync, readSharedGraphAsync, shareLink, ShareError } from '../../../engine/export/shareBrowser.js';
import type { AppServices } from '../app/services.js';
import { describeFailure } from '../engine/errors.js';
import { confirmDiscard, openSharedGraph } from '../files/fileCommands.js';
import { toast } from '../view/viewStore.js';
import { writeSystemText } from './systemClipboard.js';

/**
 * Share links: the whole graph in a `#graph=tl1.…` link (engine/export/shareFormat.ts).
 * The page's own address is the link's base in browser mode; the desktop app has no
 * address anyone else could open, so it shares the bare string, which the Open dialog
 * (and the address of any Tensorloom served in a browser) takes as well.
 */
export function shareBase(location: Pick<Location, 'protocol' | 'href'> | undefined = globalThis.location): string | null {
  return location && /^https?:$/.test(location.protocol) ? location.href : null;
}

/** "Copy share link": the link to the clipboard, and a dialog showing it (for when the clipboard refuses). */
export async function copyShareLink(app: AppServices): Promise<void> {
  let text: string;
  const base = shareBase();
  try {
    const shareString = await encodeShareStringAsync(app.doc.get().graph);
    text = base ? shareLink(base, shareString) : shareString;
  } catch (err) {
    toast(app.view, describeFailure(err, 'Making the share link'), 'error', 8000);
    return;
  }
  const copied = await writeSystemText(text);
  app.view.setState({ modal: { kind: 'share-link', text, copied, isLink: base !== null } });
}

/**
 * Opens a graph from a pasted share link, share string or graph JSON as a new document
 * (asking first when the open one has unsaved changes). Returns what is wrong with the
 * text, or null once it is opening.
 */
export async function openShareText(app: AppServices, text: string): Promise<string | null> {
  if (!text.trim()) return 'paste a share link or a share string (it starts with "tl1.")';
  try {
    const graph = await readSharedGraphAsync(text.trim());
    app.view.setState({ modal: null });
    confirmDiscard(app, () => openSharedGraph(app, graph));
    return null;
  } catch (err) {
    return err instanceof ShareError ? err.message : `the link could not be read (${(err as Error).message})`;
  }
}
