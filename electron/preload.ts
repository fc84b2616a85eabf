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
    const handler = (_event: unknown, command: MenuCommand) => listener(command);
    ipcRenderer.on(IPC.menu, handler);
    return () => void ipcRenderer.removeListener(IPC.menu, handler);
  },
};

contextBridge.exposeInMainWorld('tensorloom', bridge);
