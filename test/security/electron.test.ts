import { chmodSync, closeSync, existsSync, ftruncateSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { IPC, MENU_ACTIONS, type MenuCommand } from '../../engine/protocol/bridge.js';
import { MAX_MESSAGE_BYTES } from '../../engine/protocol/messages.js';
import { actionById } from '../../renderer/src/actions/appActions.js';
import { MENU_ACTION_IDS, readMenuCommand } from '../../renderer/src/app/useMenu.js';

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
    menu: null as any[] | null,
    messageBoxes: [] as any[],
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
    focused = 0;
    isMinimized() {
      return false;
    }
    restore() {}
    focus() {
      this.focused++;
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
    requestSingleInstanceLock: () => true,
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
  Menu: { setApplicationMenu: (menu: any[]) => (h.state.menu = menu), buildFromTemplate: (t: unknown) => t },
  dialog: {
    showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
    showSaveDialog: h.state.showSaveDialog,
    showMessageBox: async (...args: any[]) => (h.state.messageBoxes.push(args.at(-1)), {}),
    showMessageBoxSync: () => 0,
  },
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

const menuSent = (): MenuCommand[] => win.webContents.sent.filter(([channel]) => channel === IPC.menu).map(([, command]) => command as MenuCommand);

describe('Electron menu', () => {
  const items = () => h.state.menu!.flatMap((menu) => (Array.isArray(menu.submenu) ? menu.submenu : []));

  it('sends the page one command of the fixed list per item, each running the action of the same name', () => {
    const clickable = items().filter((item) => typeof item.click === 'function');
    const before = menuSent().length;
    for (const item of clickable) item.click();
    const sent = menuSent().slice(before);
    expect(Object.fromEntries(clickable.map((item, i) => [item.label, sent[i]?.action]))).toEqual({
      New: 'new',
      'Open…': 'open',
      'Templates…': 'templates',
      'Import data…': 'importData',
      'Copy share link': 'shareLink',
      'Open share link…': 'openShared',
      Save: 'save',
      'Save As…': 'saveAs',
      Undo: 'undo',
      Redo: 'redo',
    });
    // Every action of the list but openRecent (which needs a recent file) has its item.
    expect(new Set(sent.map((c) => c.action))).toEqual(new Set(MENU_ACTIONS.filter((a) => a !== 'openRecent')));
    for (const command of sent) expect(readMenuCommand(command)).toEqual(command);
    // The import and sharing items say what the toolbar and the command palette say.
    for (const label of ['Import data…', 'Copy share link', 'Open share link…']) {
      const { action } = sent[clickable.findIndex((item) => item.label === label)];
      expect(actionById(MENU_ACTION_IDS[action as Exclude<typeof action, 'openRecent'>]).label).toBe(label);
    }
  });

  it('runs nothing the page receives on the menu channel that is not a command of the list', () => {
    const bad = [null, 'save', 42, {}, { action: 'exec' }, { action: '__proto__' }, { action: 'toString' }, { action: 'save', extra: 1 }, { action: 'shareLink', path: '/etc/passwd' }, { action: 'openRecent' }, { action: 'openRecent', path: '' }, { action: 'openRecent', path: 42 }];
    for (const command of bad) expect(readMenuCommand(command), JSON.stringify(command)).toBeNull();
    expect(readMenuCommand({ action: 'openRecent', path: '/home/ada/workshop.loom.json' })).toEqual({ action: 'openRecent', path: '/home/ada/workshop.loom.json' });
  });
});

describe('Electron open-with: a second start of the app with a file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tensorloom-open-with-'));
  const GRAPH = JSON.stringify({ format: 'tensorloom.graph', version: 1, dataset: { name: 'spirals' }, nodes: [{ id: 'in', type: 'Input' }], edges: [] });
  const secondStart = (file: string) => h.state.appHandlers.get('second-instance')!.forEach((fn) => fn({}, ['/opt/Tensorloom/tensorloom', '--enable-logging', file], dir));
  const openRecent = (event: unknown, path: string) => h.state.ipcHandle.get(IPC.filesOpenRecent)!(event, path);

  beforeAll(() => win.webContents.emit('did-finish-load'));

  it('reads the file as text, checks it is a graph, and tells the window, which may then open it over the files channel', async () => {
    const path = join(dir, 'workshop.loom.json');
    writeFileSync(path, GRAPH);
    const before = menuSent().length;
    const focused = win.focused;
    secondStart('workshop.loom.json');
    await vi.waitFor(() => expect(menuSent().slice(before)).toEqual([{ action: 'openRecent', path }]));
    expect(win.focused).toBe(focused + 1);
    expect(await openRecent(trusted(), path)).toEqual({ path, name: 'workshop.loom.json', text: GRAPH });
    const other = new h.FakeContents();
    await expect(async () => openRecent({ sender: other, senderFrame: other.mainFrame }, path)).rejects.toThrow(/refused/);
  });

  it('refuses a file that is no graph, or too large, with a message naming it: nothing in it runs and nothing reaches the page', async () => {
    const marker = join(dir, 'ran');
    const script = join(dir, 'setup.loom.json');
    writeFileSync(script, `#!/bin/sh\ntouch '${marker}'\n`);
    chmodSync(script, 0o755);
    const huge = join(dir, 'huge.loom.json');
    const fd = openSync(huge, 'w');
    ftruncateSync(fd, MAX_MESSAGE_BYTES + 1); // sparse: nothing is written
    closeSync(fd);
    const before = menuSent().length;
    const boxes = h.state.messageBoxes.length;
    secondStart('setup.loom.json');
    await vi.waitFor(() => expect(h.state.messageBoxes).toHaveLength(boxes + 1));
    secondStart('huge.loom.json');
    await vi.waitFor(() => expect(h.state.messageBoxes).toHaveLength(boxes + 2));
    const [notGraph, tooLarge] = h.state.messageBoxes.slice(boxes);
    expect(notGraph).toMatchObject({ type: 'error', message: 'Could not open setup.loom.json' });
    expect(notGraph.detail).toMatch(/^setup\.loom\.json is not a Tensorloom graph: it is not valid JSON/);
    expect(tooLarge).toMatchObject({ type: 'error', message: 'Could not open huge.loom.json' });
    expect(tooLarge.detail).toBe(`huge.loom.json is ${MAX_MESSAGE_BYTES + 1} bytes: graph files up to ${MAX_MESSAGE_BYTES} bytes can be opened`);
    expect(menuSent().slice(before)).toEqual([]);
    expect(existsSync(marker)).toBe(false);
    // Neither went on the recent list, so the page cannot read them either.
    expect(await openRecent(trusted(), script)).toBeNull();
    expect(await openRecent(trusted(), huge)).toBeNull();
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
