import { produceWithPatches, type Draft } from 'immer';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Graph } from '../../../engine/graph/schema.js';
import { History } from './history.js';
import { EDGE_KEYS, emptyGraph, GRAPH_KEYS, graphToText, NODE_KEYS, writtenKeys } from './newGraph.js';
import { reconcile } from './graphEdits.js';

/** Where the open document lives: a path in the workspace (browser) or on disk (Electron). */
export interface DocFile {
  path: string | null;
  name: string;
}

export interface DocState {
  graph: Graph;
  file: DocFile;
  /** Text as last saved or opened: the unsaved mark compares against it. */
  savedText: string;
  /**
   * The graph differs from the saved text (the unsaved mark). Kept up to date on every
   * change, so views subscribe to this flag rather than to the whole graph.
   */
  dirty: boolean;
  /** Bumped on every change, so views can tell edits from re-renders. */
  revision: number;
  /** Which edits did it last: 'json' when the code view did, so it does not echo back. */
  lastSource: string;
  undoLabel: string | null;
  redoLabel: string | null;
}

export interface ChangeOptions {
  /** Changes with the same key in a row form one undo stop (a drag, typing in a field). */
  mergeKey?: string;
  /** Who made the change, for views that must not react to their own edits. */
  source?: string;
}

export interface DocStore {
  store: StoreApi<DocState>;
  get(): DocState;
  /** Applies one named, undoable edit. Returns the recipe's result. */
  change<R>(label: string, recipe: (draft: Draft<Graph>) => R, options?: ChangeOptions): R;
  /** Replaces the graph by `next`, recorded as a minimal diff (JSON edits). */
  replace(label: string, next: Graph, options?: ChangeOptions): void;
  /** Ends the current merge (a field lost focus, a drag ended). */
  seal(): void;
  undo(): string | null;
  redo(): string | null;
  /** Starts a new document: history is cleared, nothing to undo. */
  load(graph: Graph, file: DocFile, savedText?: string): void;
  markSaved(file: DocFile, text: string): void;
  isDirty(): boolean;
  history: History;
}

type Json = Record<string, unknown>;

// Keys in graphToText's order (newGraph.ts), skipping the ones it skips: two objects
// compare equal here exactly when they write out as the same text.
function sameObject(a: Json, b: Json, keys: readonly string[], sameValue: (key: string, x: unknown, y: unknown) => boolean): boolean {
  if (a === b) return true;
  const ka = writtenKeys(a, keys);
  const kb = writtenKeys(b, keys);
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && (a[k] === b[k] || sameValue(k, a[k], b[k])));
}

const sameText = (_key: string, x: unknown, y: unknown) => JSON.stringify(x) === JSON.stringify(y);
const sameList = (x: unknown, y: unknown, keys: readonly string[]) =>
  Array.isArray(x) && Array.isArray(y) && x.length === y.length && x.every((v, i) => sameObject(v as Json, y[i] as Json, keys, sameText));

/**
 * `graphToText(a) === graphToText(b)`, without writing out a thousand nodes on every
 * frame of a drag: edits share the nodes and edges they leave alone (immer), so only
 * the parts whose identity differs are written out and compared.
 */
export function sameGraphText(a: Graph, b: Graph): boolean {
  return sameObject(a as unknown as Json, b as unknown as Json, GRAPH_KEYS, (key, x, y) =>
    key === 'nodes' ? sameList(x, y, NODE_KEYS) : key === 'edges' ? sameList(x, y, EDGE_KEYS) : sameText(key, x, y),
  );
}

/**
 * A graph whose text is `savedText`, to compare edits against: `graph` itself when it
 * is what was saved (it shares its parts with the edits that follow), else the parsed
 * text. Null when no graph writes out as that text (say '' for restored work that was
 * never saved): every graph is then unsaved.
 */
function savedGraphFor(graph: Graph, savedText: string, graphText = graphToText(graph)): Graph | null {
  if (graphText === savedText) return graph;
  try {
    const parsed = JSON.parse(savedText) as Graph;
    return graphToText(parsed) === savedText ? parsed : null;
  } catch {
    return null;
  }
}

export const UNTITLED: DocFile = { path: null, name: 'Untitled' };

export function createDocStore(initial: Graph = emptyGraph()): DocStore {
  const history = new History();
  let saved: Graph | null = initial;
  const dirtyFor = (graph: Graph) => saved === null || !sameGraphText(graph, saved);
  const store = createStore<DocState>()(() => ({
    graph: initial,
    file: UNTITLED,
    savedText: graphToText(initial),
    dirty: false,
    revision: 0,
    lastSource: 'load',
    undoLabel: null,
    redoLabel: null,
  }));

  const commit = (graph: Graph, source: string) =>
    store.setState((s) => ({ graph, dirty: dirtyFor(graph), revision: s.revision + 1, lastSource: source, undoLabel: history.undoLabel, redoLabel: history.redoLabel }));

  const doc: DocStore = {
    store,
    history,
    get: () => store.getState(),
    change(label, recipe, options = {}) {
      let result: ReturnType<typeof recipe> | undefined;
      const [next, patches, inverse] = produceWithPatches(store.getState().graph, (draft) => {
        result = recipe(draft);
      });
      if (patches.length) {
        history.mark(label, options.mergeKey);
        history.record(patches, inverse);
        commit(next, options.source ?? 'canvas');
      }
      return result as ReturnType<typeof recipe>;
    },
    replace(label, next, options = {}) {
      doc.change(label, (draft) => reconcile(draft as unknown as Record<string, unknown>, next as unknown as Record<string, unknown>), options);
    },
    seal: () => history.seal(),
    undo() {
      const r = history.undo(store.getState().graph);
      if (!r) return null;
      commit(r.state, 'history');
      return r.label;
    },
    redo() {
      const r = history.redo(store.getState().graph);
      if (!r) return null;
      commit(r.state, 'history');
      return r.label;
    },
    load(graph, file, savedText) {
      const text = graphToText(graph);
      savedText ??= text;
      history.clear();
      saved = savedGraphFor(graph, savedText, text);
      store.setState((s) => ({ graph, file, savedText, dirty: dirtyFor(graph), revision: s.revision + 1, lastSource: 'load', undoLabel: null, redoLabel: null }));
    },
    markSaved(file, text) {
      const { graph } = store.getState();
      saved = savedGraphFor(graph, text);
      store.setState({ file, savedText: text, dirty: dirtyFor(graph) });
    },
    isDirty: () => store.getState().dirty,
  };
  return doc;
}
