import { describe, expect, it } from 'vitest';
import { encodeShareStringAsync, shareLink } from '../../../engine/export/shareBrowser.js';
import type { Graph } from '../../../engine/graph/schema.js';
import { actionById } from '../actions/appActions.js';
import { createApp } from '../app/createApp.js';
import { graphToText } from '../doc/newGraph.js';
import { spiralGraph } from '../doc/testGraphs.js';
import { fakeTransport } from '../engine/fakeEngine.js';
import { offerRecovery } from '../files/fileCommands.js';
import { encodeRecovery } from '../files/recovery.js';
import { select } from '../view/viewStore.js';
import { pasteText } from './clipboardCommands.js';
import { fragmentToText } from './clipboardFormat.js';
import { openShareText } from './shareCommands.js';

function testApp(graph: Graph = spiralGraph(), handlers: Record<string, (p: any) => unknown> = {}) {
  const app = createApp({ transport: fakeTransport(handlers).transport });
  app.doc.load(graph, { path: null, name: 'Untitled' });
  return app;
}

const ids = (g: Graph) => g.nodes.map((n) => n.id);
const toasts = (app: ReturnType<typeof testApp>) => app.view.getState().toasts.map((t) => t.message);

/** What Copy put on the system clipboard in the window `from`. */
function copied(from: ReturnType<typeof testApp>, nodes: string[]): string {
  select(from.view, nodes);
  actionById('edit.copy').perform(from);
  return fragmentToText(from.clipboard.current!);
}

const sharedGraph = (): Graph => ({
  ...spiralGraph(),
  meta: { title: 'Workshop: spirals' },
  dataset: { name: 'moons', params: { noise: 0.2 } },
  training: { optimizer: { type: 'sgd', learningRate: 0.1 }, batchSize: 16, epochs: 3 },
});

describe('paste from another window', () => {
  it('adds the copied nodes and the edge between them with fresh ids, clear of the nodes already there, as one undo step', async () => {
    const text = copied(testApp(), ['h1', 'a1']);
    const other = testApp();
    const before = other.doc.get().graph;
    await pasteText(other, text);
    const g = other.doc.get().graph;
    expect(ids(g).slice(5)).toEqual(['linear1', 'relu1']);
    expect(g.edges.at(-1)).toEqual({ source: 'linear1', target: 'relu1' });
    expect([...other.view.getState().selectedNodes]).toEqual(['linear1', 'relu1']);
    // Same layout as copied, placed where no node is (the originals sit at y = 0).
    const [l, r] = g.nodes.slice(5).map((n) => n.position!);
    expect(r.x - l.x).toBe(200);
    expect(Math.abs(l.y)).toBeGreaterThanOrEqual(90);
    expect(toasts(other)).toContain('Pasted 2 nodes and 1 edge');
    expect(other.doc.get().undoLabel).toBe('Paste 2 nodes');
    other.doc.undo();
    expect(other.doc.get().graph).toEqual(before);
  });

  it('pastes the window’s own copy a step down and right each time, as in-app paste does', async () => {
    const app = testApp();
    const text = copied(app, ['out']);
    await pasteText(app, text);
    await pasteText(app, text);
    expect(app.doc.get().graph.nodes.slice(5).map((n) => n.position)).toEqual([{ x: 640, y: 40 }, { x: 680, y: 80 }]);
  });

  it('loads a whole graph pasted into an empty canvas, dataset and training included, undone in one step', async () => {
    const app = testApp({ ...spiralGraph(), nodes: [], edges: [] });
    const graph = sharedGraph();
    await pasteText(app, JSON.stringify(graph, null, 2));
    expect(app.doc.get().graph).toEqual(graph);
    expect(app.doc.isDirty()).toBe(true);
    app.doc.undo();
    expect(app.doc.get().graph.nodes).toEqual([]);
    expect(app.doc.get().graph.dataset).toEqual({ name: 'spirals' });
  });

  it('pastes only the nodes of a graph into a canvas that has nodes, and says so', async () => {
    const app = testApp();
    await pasteText(app, JSON.stringify(sharedGraph()));
    expect(app.doc.get().graph.nodes).toHaveLength(10);
    expect(app.doc.get().graph.edges).toHaveLength(10);
    expect(app.doc.get().graph.dataset).toEqual({ name: 'spirals' });
    expect(toasts(app).at(-1)).toMatch(/^Pasted 5 nodes and 5 edges \(its dataset and training settings are not pasted/);
  });

  it('opens a pasted share link into an empty canvas', async () => {
    const app = testApp({ ...spiralGraph(), nodes: [], edges: [] });
    await pasteText(app, shareLink('http://127.0.0.1:5173/', await encodeShareStringAsync(sharedGraph())));
    expect(app.doc.get().graph).toEqual(sharedGraph());
  });

  it('leaves the graph alone for text that is not a graph or a damaged link, with a short message', async () => {
    const app = testApp();
    const before = app.doc.get().graph;
    await pasteText(app, 'https://example.org/some page');
    const s = await encodeShareStringAsync(sharedGraph());
    await pasteText(app, s.slice(0, s.length - 10));
    expect(app.doc.get().graph).toBe(before);
    expect(toasts(app)).toEqual(['Nothing pasted: the clipboard holds text, not a Tensorloom graph.', expect.stringMatching(/^Nothing pasted: the share string is (damaged|cut short)/)]);
  });
});

describe('share links', () => {
  it('Open share link opens a link or a bare string as a new document with no file, unchanged until edited', async () => {
    const graph = sharedGraph();
    const s = await encodeShareStringAsync(graph);
    for (const text of [shareLink('http://localhost:5173/?x=1', s), `#graph=${s}`, `  ${s}\n`]) {
      const app = testApp();
      expect(await openShareText(app, text)).toBeNull();
      expect(app.doc.get().graph).toEqual(graph);
      expect(app.doc.get().file).toEqual({ path: null, name: 'workshop-spirals.loom.json' });
      expect(app.doc.isDirty()).toBe(false);
    }
  });

  it('says what is wrong with a broken link, and asks before replacing unsaved work', async () => {
    const app = testApp();
    expect(await openShareText(app, 'https://example.org/#graph=tl1.abc%def')).toMatch(/character "%" at position \d+ cannot be in one/);
    expect(await openShareText(app, 'tl2.AAAAAAAA')).toMatch(/format tl2/);
    app.doc.change('Edit', (g) => void g.nodes.pop());
    expect(await openShareText(app, await encodeShareStringAsync(sharedGraph()))).toBeNull();
    expect(app.view.getState().modal).toMatchObject({ kind: 'confirm', title: 'Discard unsaved changes?' });
    expect(app.doc.get().graph.nodes).toHaveLength(4);
  });

  it('a page opened with #graph= shows the shared graph and still offers the unsaved work of the last session', async () => {
    const mine = { ...spiralGraph(), meta: { title: 'mine' } };
    const saved = encodeRecovery({ path: null, name: 'mine.loom.json' }, graphToText(mine));
    const app = testApp(spiralGraph(), { 'recovery.load': () => ({ text: saved, savedAt: 0 }), 'recovery.clear': () => ({ cleared: true }) });
    await offerRecovery(app, { hash: `#graph=${await encodeShareStringAsync(sharedGraph())}` });
    expect(app.doc.get().graph).toEqual(sharedGraph());
    // Unchanged: the autosave leaves the recovery copy alone until the shared graph is edited.
    expect(app.doc.isDirty()).toBe(false);
    const modal = app.view.getState().modal;
    expect(modal).toMatchObject({ kind: 'confirm', title: 'Restore unsaved work?', message: expect.stringMatching(/Restoring it replaces the shared graph/) });
    (modal as { onConfirm(): void }).onConfirm();
    expect(app.doc.get().graph).toEqual(mine);
  });

  it('a page opened with a broken #graph= link says what is wrong, where the link can be pasted again', async () => {
    const app = testApp(spiralGraph(), { 'recovery.load': () => ({ text: null, savedAt: null }) });
    const s = await encodeShareStringAsync(sharedGraph());
    const damaged = `${s.slice(0, 30)}${s[30] === 'A' ? 'B' : 'A'}${s.slice(31)}`;
    await offerRecovery(app, { hash: `#graph=${damaged}` });
    expect(app.doc.get().graph).toEqual(spiralGraph());
    expect(app.view.getState().modal).toEqual({ kind: 'share-open', text: `#graph=${damaged}`, error: expect.stringMatching(/damaged/) });
  });
});
