import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand, RecentFile } from '../engine/protocol/bridge.js';

export interface MenuOptions {
  isMac: boolean;
  send(command: MenuCommand): void;
  recent: RecentFile[];
  devTools: boolean;
}

/**
 * The application menu with the usual shortcuts. File commands go to the page, which
 * owns the document. Undo and Redo show their shortcuts but leave the keys to the
 * page (registerAccelerator: false): the canvas has its own history, and Monaco and
 * text fields have theirs, so the page decides where a Ctrl+Z goes.
 */
export function menuTemplate(options: MenuOptions): MenuItemConstructorOptions[] {
  const { isMac, send } = options;
  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      { label: 'New', accelerator: 'CmdOrCtrl+N', click: () => send({ action: 'new' }) },
      { label: 'Open…', accelerator: 'CmdOrCtrl+O', click: () => send({ action: 'open' }) },
      {
        label: 'Open Recent',
        submenu: options.recent.length
          ? options.recent.map((r) => ({ label: r.name, sublabel: r.path, click: () => send({ action: 'openRecent', path: r.path }) }))
          : [{ label: 'No recent files', enabled: false }],
      },
      { label: 'Templates…', accelerator: 'CmdOrCtrl+Shift+T', click: () => send({ action: 'templates' }) },
      { label: 'Import data…', click: () => send({ action: 'importData' }) },
      { type: 'separator' },
      { label: 'Copy share link', click: () => send({ action: 'shareLink' }) },
      { label: 'Open share link…', click: () => send({ action: 'openShared' }) },
      { type: 'separator' },
      { label: 'Save', accelerator: 'CmdOrCtrl+S', click: () => send({ action: 'save' }) },
      { label: 'Save As…', accelerator: 'CmdOrCtrl+Shift+S', click: () => send({ action: 'saveAs' }) },
      { type: 'separator' },
      isMac ? { role: 'close' } : { role: 'quit' },
    ],
  };
  const edit: MenuItemConstructorOptions = {
    label: '&Edit',
    submenu: [
      { label: 'Undo', accelerator: 'CmdOrCtrl+Z', registerAccelerator: false, click: () => send({ action: 'undo' }) },
      { label: 'Redo', accelerator: isMac ? 'Cmd+Shift+Z' : 'Ctrl+Y', registerAccelerator: false, click: () => send({ action: 'redo' }) },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
      ...(options.devTools ? [{ type: 'separator' } as const, { role: 'reload' } as const, { role: 'toggleDevTools' } as const] : []),
    ],
  };
  return [...(isMac ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []), file, edit, view, { role: 'windowMenu' }];
}
