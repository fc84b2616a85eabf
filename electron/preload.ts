import { contextBridge, ipcRenderer } from 'electron';
import { IPC, type MenuCommand, type TensorloomBridge } from '../engine/protocol/bridge.js';

// The sandboxed preload: the page's only door to the main process. It exposes one
// object, `window.tensorloom`, whose functions forward plain data over fixed channels;
// no Electron or Node object reaches the page. A sandboxed preload cannot require
// modules, so the build bundles this file into one (dist-electron/preload.cjs).

const engineListeners = new Set<(message: unknown) => void>();
const deliver = (message: unknown) => {
  for (const l of engineListeners) l(message);
};
ipcRenderer.on(IPC.push, (_event, push: unknown) => deliver(push));

// Menu commands that come before the page listens (a file the app was opened with is
// sent as soon as the page loads) wait here, and go to the first listener.
const menuListeners = new Set<(command: MenuCommand) => void>();
const earlyCommands: MenuCommand[] = [];
ipcRenderer.on(IPC.menu, (_event, command: MenuCommand) => {
  if (menuListeners.size === 0) {
    earlyCommands.push(command);
    if (earlyCommands.length > 10) earlyCommands.shift();
  }
  for (const listener of menuListeners) listener(command);
});

const bridge: TensorloomBridge = {
  engine: {
    send(message) {
      ipcRenderer.invoke(IPC.request, message).then(deliver, (err: unknown) => {
        // The reply must still come, or the page would wait for it forever.
        const id = (message as { id?: unknown } | null)?.id;
        deliver({ id: typeof id === 'number' ? id : -1, ok: false, error: { code: 'ipc', message: String((err as Error)?.message ?? err) } });
      });
    },
    onMessage(listener) {
      engineListeners.add(listener);
      return () => void engineListeners.delete(listener);
    },
  },
  files: {
    open: () => ipcRenderer.invoke(IPC.filesOpen),
    openRecent: (path) => ipcRenderer.invoke(IPC.filesOpenRecent, path),
    save: (path, text) => ipcRenderer.invoke(IPC.filesSave, { path, text }),
    saveAs: (text, suggestedName) => ipcRenderer.invoke(IPC.filesSaveAs, { path: suggestedName ?? null, text }),
    recent: () => ipcRenderer.invoke(IPC.filesRecent),
  },
  setTitle: (title, dirty) => ipcRenderer.send(IPC.document, { name: title, dirty }),
  onMenu(listener) {
    menuListeners.add(listener);
    for (const command of earlyCommands.splice(0)) listener(command);
    return () => void menuListeners.delete(listener);
  },
};

contextBridge.exposeInMainWorld('tensorloom', bridge);
