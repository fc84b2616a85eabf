import { produceWithPatches, type Draft } from 'immer';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Graph } from '../../../engine/graph/schema.js';
import { History } from './history.js';
import { emptyGraph, graphToText } from './newGraph.js';
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

export const UNTITLED: DocFile = { path: null, name: 'Untitled' };

export function createDocStore(initial: Graph = emptyGraph()): DocStore {
  const history = new History();
  const store = createStore<DocState>()(() => ({
    graph: initial,
    file: UNTITLED,
    savedText: graphToText(initial),
    revision: 0,
    lastSource: 'load',
    undoLabel: null,
    redoLabel: null,
  }));

  const commit = (graph: Graph, source: string) =>
    store.setState((s) => ({ graph, revision: s.revision + 1, lastSource: source, undoLabel: history.undoLabel, redoLabel: history.redoLabel }));

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
    load(graph, file, savedText = graphToText(graph)) {
      history.clear();
      store.setState((s) => ({ graph, file, savedText, revision: s.revision + 1, lastSource: 'load', undoLabel: null, redoLabel: null }));
    },
    markSaved(file, text) {
      store.setState({ file, savedText: text });
    },
    isDirty: () => graphToText(store.getState().graph) !== store.getState().savedText,
  };
  return doc;
}
