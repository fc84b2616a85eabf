import { createStore, type StoreApi } from 'zustand/vanilla';

/**
 * UI state that is not part of the document and never enters undo history:
 * selection, measured node sizes, open panels, dialogs and the theme.
 */
export type ThemeChoice = 'system' | 'light' | 'dark';
export type RightTab = 'node' | 'train' | 'guide' | 'analysis';

export type Modal =
  | { kind: 'add-node'; at?: { x: number; y: number } }
  | { kind: 'commands' }
  | { kind: 'templates' }
  | { kind: 'file'; mode: 'open' | 'save' }
  | { kind: 'import'; tab?: 'csv' | 'images' }
  /** The share link (or, in the desktop app, the share string) of the graph, and whether it reached the clipboard. */
  | { kind: 'share-link'; text: string; copied: boolean; isLink: boolean }
  /** Open a graph from a pasted link or string; `error` says what was wrong with `text`. */
  | { kind: 'share-open'; text?: string; error?: string }
  | { kind: 'confirm'; title: string; message: string; confirm: string; onConfirm: () => void; cancel?: string; onCancel?: () => void };

export interface Toast {
  id: number;
  message: string;
  tone: 'info' | 'error';
}

/** A right-click menu on the canvas: where it opens and what it was opened on. */
export interface ContextMenuState {
  x: number;
  y: number;
  target: 'node' | 'edge' | 'pane';
  /** The canvas point under the pointer (new nodes go there). */
  at: { x: number; y: number };
}

export interface ReadmeDoc {
  title: string;
  text: string;
}

export interface ViewState {
  selectedNodes: ReadonlySet<string>;
  selectedEdges: ReadonlySet<string>;
  measured: Readonly<Record<string, { width: number; height: number }>>;
  rightTab: RightTab;
  showCode: boolean;
  showPalette: boolean;
  showProblems: boolean;
  readme: ReadmeDoc | null;
  theme: ThemeChoice;
  modal: Modal | null;
  contextMenu: ContextMenuState | null;
  toasts: Toast[];
}

export type ViewStore = StoreApi<ViewState>;

export function createViewStore(theme: ThemeChoice = 'system'): ViewStore {
  return createStore<ViewState>()(() => ({
    selectedNodes: new Set<string>(),
    selectedEdges: new Set<string>(),
    measured: {},
    rightTab: 'node',
    showCode: false,
    showPalette: true,
    showProblems: true,
    readme: null,
    theme,
    modal: null,
    contextMenu: null,
    toasts: [],
  }));
}

export function select(view: ViewStore, nodes: Iterable<string>, edges: Iterable<string> = []): void {
  view.setState({ selectedNodes: new Set(nodes), selectedEdges: new Set(edges) });
}

let toastId = 0;
export function toast(view: ViewStore, message: string, tone: Toast['tone'] = 'info', ms = 4000): void {
  const id = ++toastId;
  view.setState((s) => ({ toasts: [...s.toasts.slice(-3), { id, message, tone }] }));
  setTimeout(() => view.setState((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })), ms);
}

/** The theme actually shown: the system's when the choice is 'system'. */
export function resolveTheme(choice: ThemeChoice, prefersDark: boolean): 'light' | 'dark' {
  return choice === 'system' ? (prefersDark ? 'dark' : 'light') : choice;
}
