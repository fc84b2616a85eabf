import type { MenuCommand, TensorloomBridge } from '../../../engine/protocol/bridge.js';

/**
 * The Electron preload's API (`window.tensorloom`, through contextBridge). The renderer
 * checks its shape at runtime instead of trusting it, and falls back to browser mode
 * when it is absent.
 */
export type TensorloomPreload = TensorloomBridge;
export type { MenuCommand };

export function findPreload(scope: unknown): TensorloomPreload | null {
  const api = (scope as { tensorloom?: unknown }).tensorloom as Partial<TensorloomBridge> | undefined;
  if (!api || typeof api !== 'object') return null;
  const engine = api.engine as Partial<TensorloomBridge['engine']> | undefined;
  if (!engine || typeof engine.send !== 'function' || typeof engine.onMessage !== 'function') return null;
  return api as TensorloomPreload;
}

/** Native file dialogs are there (the desktop app); browser mode uses the workspace instead. */
export function hasPreloadFiles(api: TensorloomPreload | null): api is TensorloomPreload {
  const f = api?.files as Partial<TensorloomBridge['files']> | undefined;
  return !!f && typeof f.open === 'function' && typeof f.save === 'function' && typeof f.saveAs === 'function';
}
