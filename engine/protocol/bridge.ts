/**
 * The one API the Electron preload exposes to the page as `window.tensorloom`: the
 * engine transport, files, the window title, and menu commands. Types and channel
 * names only: the preload implements it; a browser page has none of it and uses the
 * WebSocket and the engine's `files.*` instead.
 */
export interface OpenedFile {
  /** Absolute path, as the user chose it. */
  path: string;
  /** The file name, for the title and the recent list. */
  name: string;
  text: string;
}

export interface SavedFile {
  path: string;
  name: string;
}

export interface RecentFile {
  path: string;
  name: string;
}

/**
 * Menu commands the window sends the page, which owns the document: a fixed list, which
 * the page checks every command against (renderer/src/app/useMenu.ts) before it runs
 * anything. `openRecent` comes with the path, to pass to `files.openRecent`.
 */
export const MENU_ACTIONS = ['new', 'open', 'openRecent', 'save', 'saveAs', 'undo', 'redo', 'templates', 'importData', 'shareLink', 'openShared'] as const;

export type MenuAction = (typeof MENU_ACTIONS)[number];

export interface MenuCommand {
  action: MenuAction;
  path?: string;
}

export interface FilesBridge {
  /** The Open dialog; null when cancelled. */
  open(): Promise<OpenedFile | null>;
  /** Reopens a file of the recent list (null if it is not on the list). */
  openRecent(path: string): Promise<OpenedFile | null>;
  /**
   * Saves atomically to `path` when the user opened or picked that path in this
   * session (or it is on the recent list); any other path gets the Save dialog
   * instead. Null when that dialog is cancelled.
   */
  save(path: string, text: string): Promise<SavedFile | null>;
  /** The Save dialog (starting at `suggestedName`), then an atomic save; null when cancelled. */
  saveAs(text: string, suggestedName?: string): Promise<SavedFile | null>;
  recent(): Promise<RecentFile[]>;
}

export interface TensorloomBridge {
  /**
   * The engine protocol as a transport: `send` a request, and every reply and push
   * comes to the `onMessage` listeners (replies by their id).
   */
  engine: {
    send(message: unknown): void;
    onMessage(listener: (message: unknown) => void): () => void;
  };
  files: FilesBridge;
  /** What is open, for the window's title ("name • — Tensorloom") and the close prompt. */
  setTitle(title: string, dirty: boolean): void;
  onMenu(listener: (command: MenuCommand) => void): () => void;
}

/** IPC channel names shared by the preload and the main process. */
export const IPC = {
  request: 'tensorloom:request',
  push: 'tensorloom:push',
  filesOpen: 'tensorloom:files:open',
  filesOpenRecent: 'tensorloom:files:open-recent',
  filesSave: 'tensorloom:files:save',
  filesSaveAs: 'tensorloom:files:save-as',
  filesRecent: 'tensorloom:files:recent',
  document: 'tensorloom:document',
  menu: 'tensorloom:menu',
} as const;
