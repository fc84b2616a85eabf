import { GraphSchema, type Graph } from '../../../engine/graph/schema.js';
import { decodeShareStringAsync, ShareError } from '../../../engine/export/shareBrowser.js';
import type { AppServices } from '../app/services.js';
import type { DocFile } from '../doc/docStore.js';
import { emptyGraph, graphToText, sameJson } from '../doc/newGraph.js';
import { describeFailure } from '../engine/errors.js';
import { hasPreloadFiles } from '../engine/preload.js';
import { select, toast } from '../view/viewStore.js';
import { fitReadable } from '../canvas/fitReadable.js';
import { decodeRecovery, RECOVERY_KEY, type RecoveryRecord } from './recovery.js';
import { withGraphSuffix } from './workspaceFiles.js';

/**
 * New, Open, Save, Save As. In Electron the preload's native dialogs do the asking;
 * in browser mode the app's own dialog lists the server's workspace folder.
 */

/** Parses a graph file's text; the message names the line or field at fault. */
export function parseGraphText(text: string): { graph: Graph } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { error: `the file is not valid JSON (${(err as Error).message})` };
  }
  const parsed = GraphSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { error: `the file is not a Tensorloom graph: ${issue.path.join('.') || '(root)'}: ${issue.message}` };
  }
  return { graph: parsed.data };
}

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

export function loadDocument(app: AppServices, graph: Graph, file: DocFile, savedText?: string): void {
  app.doc.load(graph, file, savedText);
  app.trainer.reset();
  select(app.view, []);
  app.view.setState({ readme: null });
  fitWhenRendered(app);
}

/** Fits the view to the graph once the canvas shows it: a new document, a pasted graph. */
export function fitWhenRendered(app: AppServices): void {
  // Twice: after React renders the nodes, then after React Flow has measured them.
  const fit = () => app.flow.current && fitReadable(app.flow.current, document.querySelector('[data-testid="canvas"]'));
  globalThis.requestAnimationFrame?.(() => requestAnimationFrame(() => (fit(), setTimeout(fit, 60))));
}

/** Asks before throwing away unsaved changes; runs `then` when it is fine to go on. */
export function confirmDiscard(app: AppServices, then: () => void): void {
  if (!app.doc.isDirty()) return then();
  app.view.setState({
    modal: {
      kind: 'confirm',
      title: 'Discard unsaved changes?',
      message: `"${app.doc.get().file.name}" has changes that are not saved.`,
      confirm: 'Discard changes',
      onConfirm: then,
    },
  });
}

export function newDocument(app: AppServices): void {
  confirmDiscard(app, () => {
    loadDocument(app, emptyGraph(), { path: null, name: 'Untitled' });
    void app.autosave.clear();
  });
}

export function openDocument(app: AppServices): void {
  confirmDiscard(app, () => {
    if (hasPreloadFiles(app.preload)) {
      void app.preload.files
        .open()
        .then((picked) => picked && openText(app, picked.text, { path: picked.path, name: picked.name }))
        .catch((err) => toast(app.view, describeFailure(err, 'Opening the file'), 'error'));
      return;
    }
    app.view.setState({ modal: { kind: 'file', mode: 'open' } });
  });
}

export function openText(app: AppServices, text: string, file: DocFile): boolean {
  const parsed = parseGraphText(text);
  if ('error' in parsed) {
    toast(app.view, `Could not open ${file.name}: ${parsed.error}`, 'error', 8000);
    return false;
  }
  loadDocument(app, parsed.graph, file, cleanSavedText(text, parsed.graph));
  return true;
}

/**
 * What counts as "saved" for a file just opened: its content in our own layout when
 * reading it lost nothing (so it opens without the unsaved mark), else its exact text
 * (fields the format does not know would be dropped by saving: that is a change).
 */
function cleanSavedText(text: string, graph: Graph): string {
  try {
    return sameJson(JSON.parse(text), graph) ? graphToText(graph) : text;
  } catch {
    return text;
  }
}

export async function openWorkspacePath(app: AppServices, path: string): Promise<boolean> {
  try {
    const text = await app.workspace.read(path);
    return openText(app, text, { path, name: baseName(path) });
  } catch (err) {
    toast(app.view, describeFailure(err, `Opening ${path}`), 'error', 8000);
    return false;
  }
}

export async function saveDocument(app: AppServices): Promise<void> {
  const { file } = app.doc.get();
  if (!file.path) return saveDocumentAs(app);
  await writeTo(app, file.path);
}

export async function saveDocumentAs(app: AppServices): Promise<void> {
  if (hasPreloadFiles(app.preload)) {
    const text = graphToText(app.doc.get().graph);
    try {
      const picked = await app.preload.files.saveAs(text, app.doc.get().file.name);
      if (picked) await afterSave(app, { path: picked.path, name: picked.name }, text);
    } catch (err) {
      toast(app.view, describeFailure(err, 'Saving'), 'error', 8000);
    }
    return;
  }
  app.view.setState({ modal: { kind: 'file', mode: 'save' } });
}

export async function writeTo(app: AppServices, path: string): Promise<boolean> {
  const text = graphToText(app.doc.get().graph);
  try {
    if (hasPreloadFiles(app.preload)) {
      // The desktop app may ask where to save (a path it has not seen): null is a cancel.
      const saved = await app.preload.files.save(path, text);
      if (!saved) return false;
      await afterSave(app, { path: saved.path, name: saved.name }, text);
      return true;
    }
    await app.workspace.write(path, text);
    await afterSave(app, { path, name: baseName(path) }, text);
    return true;
  } catch (err) {
    toast(app.view, describeFailure(err, `Saving ${path}`), 'error', 8000);
    return false;
  }
}

async function afterSave(app: AppServices, file: DocFile, text: string): Promise<void> {
  app.doc.markSaved(file, text);
  toast(app.view, `Saved ${file.name}`);
  await app.autosave.clear();
}

export function openTemplate(app: AppServices, name: string): void {
  app.view.setState({ modal: null });
  confirmDiscard(app, () => void loadTemplate(app, name));
}

async function loadTemplate(app: AppServices, name: string): Promise<void> {
  try {
    const t = await app.engine.client.request('templates.get', { name });
    const parsed = parseGraphText(t.graph);
    if ('error' in parsed) {
      toast(app.view, `The template "${name}" could not be read: ${parsed.error}`, 'error', 8000);
      return;
    }
    loadDocument(app, parsed.graph, { path: null, name: `${t.name}.loom.json` }, graphToText(parsed.graph));
    app.view.setState({ readme: { title: t.title, text: t.readme }, rightTab: 'guide' });
  } catch (err) {
    toast(app.view, describeFailure(err, `Opening the template "${name}"`), 'error', 8000);
  }
}

/** Unsaved work the last session left behind, if any (and readable). */
async function loadRecovery(app: AppServices): Promise<{ record: RecoveryRecord; graph: Graph; when: string } | null> {
  let reply: { text: string | null; savedAt: number | null };
  try {
    reply = await app.engine.client.request('recovery.load', { key: RECOVERY_KEY });
  } catch {
    return null; // no recovery available: nothing to offer
  }
  if (!reply.text) return null;
  const record = decodeRecovery(reply.text);
  const parsed = record ? parseGraphText(record.graph) : null;
  if (!record || !parsed || 'error' in parsed) return null;
  return { record, graph: parsed.graph, when: reply.savedAt ? new Date(reply.savedAt).toLocaleString() : 'an earlier session' };
}

/**
 * On start: opens the graph of a share link the page was opened with (`#graph=…`), and
 * if the last session left unsaved work behind, offers to restore it. The shared graph
 * opens like a template (no file, no unsaved mark), so the autosave does not touch the
 * recovery copy until the user edits it: the offer to restore still comes, and nothing
 * is lost whichever way it is answered.
 */
export async function offerRecovery(app: AppServices, location: Pick<Location, 'hash'> | null = globalThis.location ?? null): Promise<void> {
  const link = location ? launchShareText(location.hash) : null;
  const [recovered, shared] = await Promise.all([loadRecovery(app), link ? decodeLaunchLink(link) : null]);
  if (shared && 'graph' in shared) openSharedGraph(app, shared.graph);
  // A broken link: say what is wrong where the user can paste the link again.
  const showBrokenLink = () => shared && 'error' in shared && app.view.setState({ modal: { kind: 'share-open', text: link ?? '', error: shared.error } });
  if (!recovered) return void showBrokenLink();
  const { record, graph, when } = recovered;
  const sharedNote = shared && 'graph' in shared ? ' Restoring it replaces the shared graph you opened (the link still opens it).' : '';
  app.view.setState({
    modal: {
      kind: 'confirm',
      title: 'Restore unsaved work?',
      message: `"${record.file.name}" had unsaved changes when Tensorloom last closed (autosaved ${when}).${sharedNote}`,
      confirm: 'Restore',
      cancel: 'Discard',
      onConfirm: () => {
        // Restored work stays marked unsaved: savedText is what is on disk, not this.
        loadDocument(app, graph, record.file, '');
        showBrokenLink();
      },
      onCancel: () => {
        void app.autosave.clear();
        showBrokenLink();
      },
    },
  });
}

/** The share string in the page's address (`#graph=…`), or null when it has none. */
export function launchShareText(hash: string): string | null {
  return /^#(?:.*&)?graph=/.test(hash) ? hash : null;
}

async function decodeLaunchLink(text: string): Promise<{ graph: Graph } | { error: string }> {
  try {
    return { graph: await decodeShareStringAsync(text) };
  } catch (err) {
    return { error: err instanceof ShareError ? err.message : `the link could not be read (${(err as Error).message})` };
  }
}

/** A file name for a shared graph: its title, if it has one, as a short file name ("Spiral workshop" → spiral-workshop.loom.json). */
export function sharedFileName(graph: Graph): string {
  const title = graph.meta?.title && graph.meta.title !== 'Untitled' ? graph.meta.title : 'shared graph';
  const slug = title
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return withGraphSuffix(slug || 'shared-graph');
}

/**
 * Opens a graph from a share link or string as a new document: no file yet (Save asks
 * where), and unchanged from the link until edited, as a template opens.
 */
export function openSharedGraph(app: AppServices, graph: Graph): void {
  loadDocument(app, graph, { path: null, name: sharedFileName(graph) });
}

/** Desktop only: reopens a file from the recent list (the menu passes its path). */
export function openRecent(app: AppServices, path: string): void {
  if (!hasPreloadFiles(app.preload)) return;
  const files = app.preload.files;
  confirmDiscard(app, () => {
    void files
      .openRecent(path)
      .then((picked) => (picked ? openText(app, picked.text, { path: picked.path, name: picked.name }) : toast(app.view, `${path} is no longer on the recent list`, 'error')))
      .catch((err) => toast(app.view, describeFailure(err, `Opening ${path}`), 'error'));
  });
}
