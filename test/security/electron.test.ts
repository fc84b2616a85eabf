import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { IPC } from '../../engine/protocol/bridge.js';

// The Electron shell cannot be launched on these machines (no binary), so its main
// process and preload run here against a mocked `electron` module: what is asserted
// is what the real app passes to Electron.
const h = vi.hoisted(() => {
  const listeners = (target: { handlers: Map<string, ((...a: any[]) => any)[]> }) => ({
    on(event: string, fn: (...a: any[]) => any) {
      target.handlers.set(event, [...(target.handlers.get(event) ?? []), fn]);
      return this;
    },
    emit(event: string, ...args: any[]) {
      for (const fn of target.handlers.get(event) ?? []) fn(...args);
    },
  });
  const windows: any[] = [];
  const state = {
    windows,
    appHandlers: new Map<string, ((...a: any[]) => any)[]>(),
    ipcHandle: new Map<string, (...a: any[]) => any>(),
    ipcOn: new Map<string, (...a: any[]) => any>(),
    schemes: [] as unknown[],
    protocolHandlers: new Map<string, (req: Request) => Promise<Response>>(),
    onHeadersReceived: null as null | ((details: any, cb: (r: any) => void) => void),
    permissionRequest: null as null | ((...a: any[]) => void),
    permissionCheck: null as null | ((...a: any[]) => boolean),
    openExternal: vi.fn(),
    engineSend: vi.fn((message: { id: number }, reply: (r: unknown) => void) => reply({ id: message.id, ok: true, result: { echoed: true } })),
    showSaveDialog: vi.fn(async () => ({ canceled: true })),
    exposed: new Map<string, unknown>(),
    invoke: vi.fn(async (..._args: unknown[]) => ({ id: 7, ok: true, result: null })),
    rendererOn: new Map<string, (...a: any[]) => void>(),
    userData: '',
  };
  class FakeContents {
    handlers = new Map<string, ((...a: any[]) => any)[]>();
    on: any;
    emit: any;
    mainFrame = { url: 'tensorloom://app/index.html' };
    sent: [string, unknown][] = [];
    openHandler: ((d: { url: string }) => { action: string }) | null = null;
    constructor() {
      Object.assign(this, listeners(this));
    }
    setWindowOpenHandler(fn: (d: { url: string }) => { action: string }) {
      this.openHandler = fn;
    }
    send(channel: string, value: unknown) {
      this.sent.push([channel, value]);
    }
    isDestroyed() {
      return false;
    }
  }
  class FakeWindow {
    handlers = new Map<string, ((...a: any[]) => any)[]>();
    on: any;
    emit: any;
    webContents = new FakeContents();
    title = '';
    loaded: string[] = [];
    constructor(readonly options: any) {
      Object.assign(this, listeners(this));
      windows.push(this);
      state.appHandlers.get('web-contents-created')?.forEach((fn) => fn({}, this.webContents));
    }
    once(event: string, fn: () => void) {
      this.on(event, fn);
    }
    loadURL(url: string) {
      this.loaded.push(url);
      return Promise.resolve();
    }
    setTitle(title: string) {
      this.title = title;
    }
    setDocumentEdited() {}
    isDestroyed() {
      return false;
    }
    static fromWebContents(contents: unknown) {
      return windows.find((w) => w.webContents === contents) ?? null;
    }
    static getAllWindows() {
      return windows;
    }
  }
  return { state, FakeContents, FakeWindow };
});

vi.mock('electron', () => ({
  app: {
    isPackaged: true,
    getPath: () => h.state.userData,
    whenReady: () => Promise.resolve(),
    on: (event: string, fn: (...a: any[]) => any) => h.state.appHandlers.set(event, [...(h.state.appHandlers.get(event) ?? []), fn]),
    addRecentDocument: () => {},
    quit: () => {},
  },
  BrowserWindow: h.FakeWindow,
  ipcMain: {
    handle: (channel: string, fn: (...a: any[]) => any) => h.state.ipcHandle.set(channel, fn),
    on: (channel: string, fn: (...a: any[]) => any) => h.state.ipcOn.set(channel, fn),
  },
  protocol: {
    registerSchemesAsPrivileged: (schemes: unknown[]) => h.state.schemes.push(...schemes),
    handle: (scheme: string, fn: (req: Request) => Promise<Response>) => h.state.protocolHandlers.set(scheme, fn),
  },
  session: {
    defaultSession: {
      webRequest: { onHeadersReceived: (fn: any) => (h.state.onHeadersReceived = fn) },
      setPermissionRequestHandler: (fn: any) => (h.state.permissionRequest = fn),
      setPermissionCheckHandler: (fn: any) => (h.state.permissionCheck = fn),
    },
  },
  Menu: { setApplicationMenu: () => {}, buildFromTemplate: (t: unknown) => t },
  dialog: { showOpenDialog: async () => ({ canceled: true, filePaths: [] }), showSaveDialog: h.state.showSaveDialog, showMessageBox: async () => ({}), showMessageBoxSync: () => 0 },
  shell: { openExternal: h.state.openExternal },
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => h.state.exposed.set(key, api) },
  ipcRenderer: {
    invoke: h.state.invoke,
    send: vi.fn(),
    on: (channel: string, fn: (...a: any[]) => void) => h.state.rendererOn.set(channel, fn),
    removeListener: () => {},
  },
}));

vi.mock('../../engine/service/workerHost.js', () => ({
  EngineHost: class {
    send = h.state.engineSend;
    close = async () => {};
  },
  workerThreadEngine: () => () => ({}),
}));

const refusals = { foreignSender: 0, subframe: 0, foreignUrl: 0, malformed: 0, navigation: 0, newWindow: 0 };
let win: InstanceType<typeof h.FakeWindow>;

beforeAll(async () => {
  h.state.userData = mkdtempSync(join(tmpdir(), 'tensorloom-electron-'));
  await import('../../electron/main.js');
  await vi.waitFor(() => expect(h.state.windows).toHaveLength(1));
  win = h.state.windows[0];
});

const trusted = () => ({ sender: win.webContents, senderFrame: win.webContents.mainFrame });

describe('Electron main window', () => {
  it('uses the secure web preferences and loads the app from its own scheme', () => {
    const prefs = win.options.webPreferences;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
    });
    expect(prefs.preload).toMatch(/preload\.cjs$/);
    expect(win.loaded).toEqual(['tensorloom://app/index.html']);
    expect(h.state.schemes).toEqual([{ scheme: 'tensorloom', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
  });

  it('sets a strict Content-Security-Policy on every response and denies every permission', async () => {
    let headers: any = null;
    h.state.onHeadersReceived!({ responseHeaders: { 'X-Other': ['1'] } }, (r) => (headers = r.responseHeaders));
    const csp: string = headers['Content-Security-Policy'][0];
    expect(headers['X-Other']).toEqual(['1']);
    expect(csp).toMatch(/default-src 'self'/);
    expect(csp).toMatch(/script-src 'self';/);
    expect(csp).toMatch(/connect-src 'self';/);
    expect(csp).toMatch(/object-src 'none'/);
    expect(csp).not.toMatch(/unsafe-eval|\*/);
    const decide = vi.fn();
    h.state.permissionRequest!({}, 'media', decide);
    expect(decide).toHaveBeenCalledWith(false);
    expect(h.state.permissionCheck!()).toBe(false);
  });

  it('blocks navigation away from the app and new windows (https links go to the system browser)', () => {
    const contents = win.webContents;
    for (const url of ['https://evil.example/', 'file:///etc/passwd', 'tensorloom://other/index.html']) {
      const event = { preventDefault: vi.fn() };
      contents.emit('will-navigate', event, url);
      expect(event.preventDefault, url).toHaveBeenCalled();
      refusals.navigation++;
    }
    const own = { preventDefault: vi.fn() };
    contents.emit('will-navigate', own, 'tensorloom://app/index.html');
    expect(own.preventDefault).not.toHaveBeenCalled();
    const webview = { preventDefault: vi.fn() };
    contents.emit('will-attach-webview', webview);
    expect(webview.preventDefault).toHaveBeenCalled();
    expect(contents.openHandler!({ url: 'https://arxiv.org/abs/2010.01412' })).toEqual({ action: 'deny' });
    expect(h.state.openExternal).toHaveBeenCalledWith('https://arxiv.org/abs/2010.01412');
    expect(contents.openHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(h.state.openExternal).toHaveBeenCalledTimes(1);
    refusals.newWindow += 2;
  });

  it('serves only the built renderer over its scheme, with the CSP', async () => {
    const handler = h.state.protocolHandlers.get('tensorloom')!;
    const missing = await handler(new Request('tensorloom://app/../../package.json'));
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect((await handler(new Request('tensorloom://other/index.html'))).status).toBe(404);
  });
});

describe('Electron IPC', () => {
  it('registers a handler for every channel of the bridge', () => {
    expect([...h.state.ipcHandle.keys()].sort()).toEqual([IPC.filesOpen, IPC.filesOpenRecent, IPC.filesRecent, IPC.filesSave, IPC.filesSaveAs, IPC.request].sort());
    expect([...h.state.ipcOn.keys()]).toEqual([IPC.document]);
  });

  it('passes a checked request from the window to the engine', async () => {
    const reply = await h.state.ipcHandle.get(IPC.request)!(trusted(), { id: 7, method: 'kinds.list', params: {} });
    expect(reply).toEqual({ id: 7, ok: true, result: { echoed: true } });
    expect(h.state.engineSend).toHaveBeenCalledTimes(1);
  });

  it('refuses malformed requests and foreign senders before the engine sees them', async () => {
    h.state.engineSend.mockClear();
    const request = h.state.ipcHandle.get(IPC.request)!;
    const valid = { id: 8, method: 'kinds.list', params: {} };
    const other = new h.FakeContents();
    expect(await request({ sender: other, senderFrame: other.mainFrame }, valid)).toMatchObject({ id: 8, ok: false, error: { code: 'forbidden' } });
    refusals.foreignSender++;
    expect(await request({ sender: win.webContents, senderFrame: { url: 'tensorloom://app/index.html' } }, valid)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    refusals.subframe++;
    const navigated = { sender: win.webContents, senderFrame: win.webContents.mainFrame };
    win.webContents.mainFrame.url = 'https://evil.example/';
    expect(await request(navigated, valid)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    win.webContents.mainFrame.url = 'tensorloom://app/index.html';
    refusals.foreignUrl++;
    expect(await request({ sender: win.webContents, senderFrame: null }, valid)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    for (const bad of [null, 'kinds.list', { id: 9, method: 'dataset.preview', params: { dataset: { name: 'spirals' }, limit: -1 } }, { id: 10, method: 'shell.exec', params: {} }, { id: 11, method: 'files.read', params: { name: '../../.ssh/id_rsa' } }]) {
      const reply = await request(trusted(), bad);
      expect(reply, JSON.stringify(bad)).toMatchObject({ ok: false });
      refusals.malformed++;
    }
    expect(h.state.engineSend).not.toHaveBeenCalled();
    // Keys the schema does not know are dropped before the engine sees the request.
    await request(trusted(), { id: 12, method: 'kinds.list', params: { __proto__: { polluted: true }, extra: 1 } });
    expect(h.state.engineSend.mock.calls[0][0]).toEqual({ id: 12, method: 'kinds.list', params: {} });
    console.log(`Electron IPC refusals: ${JSON.stringify(refusals)}`);
  });

  it('refuses file operations from foreign senders and never writes to a path the user did not pick', async () => {
    const other = new h.FakeContents();
    const foreign = { sender: other, senderFrame: other.mainFrame };
    await expect(async () => h.state.ipcHandle.get(IPC.filesOpen)!(foreign)).rejects.toThrow(/refused/);
    await expect(async () => h.state.ipcHandle.get(IPC.filesSave)!(foreign, { path: '/tmp/x.loom.json', text: '{}' })).rejects.toThrow(/refused/);
    await expect(async () => h.state.ipcHandle.get(IPC.filesSave)!(trusted(), { path: 42, text: '{}' })).rejects.toThrow();
    const target = join(h.state.userData, 'not-picked.loom.json');
    const saved = await h.state.ipcHandle.get(IPC.filesSave)!(trusted(), { path: target, text: '{}' });
    // The path was never opened or chosen: the Save dialog asks instead (here: cancelled).
    expect(h.state.showSaveDialog).toHaveBeenCalledWith(win, expect.objectContaining({ defaultPath: target }));
    expect(saved).toBeNull();
    expect(existsSync(target)).toBe(false);
  });

  it('shows the file name and an unsaved mark in the title, from the window only', () => {
    const setDocument = h.state.ipcOn.get(IPC.document)!;
    setDocument(trusted(), { name: 'spirals.loom.json', dirty: true });
    expect(win.title).toBe('spirals.loom.json • — Tensorloom');
    setDocument(trusted(), { name: 'spirals.loom.json', dirty: false });
    expect(win.title).toBe('spirals.loom.json — Tensorloom');
    const other = new h.FakeContents();
    setDocument({ sender: other, senderFrame: other.mainFrame }, { name: 'evil', dirty: false });
    setDocument(trusted(), { name: 42, dirty: 'yes' });
    expect(win.title).toBe('spirals.loom.json — Tensorloom');
  });
});

describe('Electron preload', () => {
  it('exposes one object of plain functions, and routes replies and pushes to the page', async () => {
    await import('../../electron/preload.js');
    expect([...h.state.exposed.keys()]).toEqual(['tensorloom']);
    const api = h.state.exposed.get('tensorloom') as any;
    expect(Object.keys(api).sort()).toEqual(['engine', 'files', 'onMenu', 'setTitle']);
    const received: unknown[] = [];
    api.engine.onMessage((m: unknown) => received.push(m));
    api.engine.send({ id: 7, method: 'kinds.list', params: {} });
    expect(h.state.invoke).toHaveBeenCalledWith(IPC.request, { id: 7, method: 'kinds.list', params: {} });
    h.state.rendererOn.get(IPC.push)!({}, { type: 'engine', state: 'crashed', message: 'x' });
    await vi.waitFor(() => expect(received).toHaveLength(2));
    expect(received).toContainEqual({ id: 7, ok: true, result: null });
    // Nothing of Electron itself leaks into the page: only functions and plain objects.
    const leaves = (o: any): unknown[] => Object.values(o).flatMap((v) => (typeof v === 'object' && v !== null ? leaves(v) : [v]));
    expect(leaves(api).every((v) => typeof v === 'function')).toBe(true);
  });
});

describe('the built page', () => {
  const index = join(import.meta.dirname, '..', '..', 'dist-renderer', 'index.html');
  it.skipIf(!existsSync(index))('has no inline script, so the CSP needs no unsafe-inline for scripts', () => {
    const html = readFileSync(index, 'utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/\bsrc=/);
      expect(body.trim()).toBe('');
    }
    expect(html).not.toMatch(/\son[a-z]+=/i);
  });
});
