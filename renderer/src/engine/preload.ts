/**
 * What the Electron preload exposes as `window.tensorloom` (contextBridge). The renderer
 * checks its shape at runtime instead of trusting it, and falls back to browser mode
 * when it is absent.
 */
export interface PreloadEngine {
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): () => void;
}

export interface PreloadFiles {
  /** Shows the open dialog; null when cancelled. */
  open(): Promise<{ path: string; text: string } | null>;
  /** Atomic save to a known path. */
  save(path: string, text: string): Promise<unknown>;
  /** Shows the save dialog and saves; null when cancelled. */
  saveAs(text: string, suggestedName?: string): Promise<{ path: string } | null>;
}

export interface TensorloomPreload {
  engine: PreloadEngine;
  files?: PreloadFiles;
  /** Tells the window the title and the unsaved mark. */
  setTitle?(title: string, dirty: boolean): void;
}

export function findPreload(scope: unknown): TensorloomPreload | null {
  const api = (scope as { tensorloom?: unknown }).tensorloom as Partial<TensorloomPreload> | undefined;
  if (!api || typeof api !== 'object') return null;
  const engine = api.engine as Partial<PreloadEngine> | undefined;
  if (!engine || typeof engine.send !== 'function' || typeof engine.onMessage !== 'function') return null;
  return api as TensorloomPreload;
}

export function hasPreloadFiles(api: TensorloomPreload | null): api is TensorloomPreload & { files: PreloadFiles } {
  const f = api?.files as Partial<PreloadFiles> | undefined;
  return !!f && typeof f.open === 'function' && typeof f.save === 'function' && typeof f.saveAs === 'function';
}
