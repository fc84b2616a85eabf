import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { IPC } from '../engine/protocol/bridge.js';
import { DocumentFiles } from './files.js';
import { graphFileFromArgv, OpenQueue, registerOpenWith } from './openWith.js';

const GRAPH = JSON.stringify({ format: 'tensorloom.graph', version: 1, dataset: { name: 'spirals' }, nodes: [{ id: 'in', type: 'Input' }], edges: [] });
const dir = mkdtempSync(join(tmpdir(), 'tensorloom-open-with-'));
const graphFile = join(dir, 'spirals.loom.json');
const otherFile = join(dir, 'other graph.loom.json');
const badFile = join(dir, 'notes.loom.json');
writeFileSync(graphFile, GRAPH);
writeFileSync(otherFile, GRAPH);
writeFileSync(badFile, '{"format": "tensorloom.graph", "nodes": "x"}');

// The Electron shell cannot run here (no binary): its main process and preload run
// against a mocked `electron`, launched as the file association launches it.
const h = vi.hoisted(() => {
  const on = (map: Map<string, ((...a: any[]) => any)[]>) => (event: string, fn: (...a: any[]) => any) => void map.set(event, [...(map.get(event) ?? []), fn]);
  const emit = (map: Map<string, ((...a: any[]) => any)[]>, event: string, ...args: any[]) => map.get(event)?.forEach((fn) => fn(...args));
  const state = {
    appHandlers: new Map<string, ((...a: any[]) => any)[]>(),
    windows: [] as any[],
    messageBoxes: [] as any[],
    rendererOn: new Map<string, (...a: any[]) => void>(),
    exposed: new Map<string, any>(),
    userData: '',
    lock: true,
  };
  class FakeContents {
    handlers = new Map<string, ((...a: any[]) => any)[]>();
    on = on(this.handlers);
    emit = (event: string, ...args: any[]) => emit(this.handlers, event, ...args);
    mainFrame = { url: 'tensorloom://app/index.html' };
    sent: [string, any][] = [];
    setWindowOpenHandler() {}
    send(channel: string, value: unknown) {
      this.sent.push([channel, value]);
    }
    isDestroyed() {
      return false;
    }
  }
  class FakeWindow {
    handlers = new Map<string, ((...a: any[]) => any)[]>();
    on = on(this.handlers);
    webContents = new FakeContents();
    focused = 0;
    constructor(readonly options: any) {
      state.windows.push(this);
    }
    once() {}
    loadURL() {
      return Promise.resolve();
    }
    isMinimized() {
      return false;
    }
    restore() {}
    focus() {
      this.focused++;
    }
    static getAllWindows() {
      return state.windows;
    }
  }
  return { state, FakeWindow, emit };
});

vi.mock('electron', () => ({
  app: {
    isPackaged: true,
    getPath: () => h.state.userData,
    whenReady: () => Promise.resolve(),
    on: (event: string, fn: (...a: any[]) => any) => h.state.appHandlers.set(event, [...(h.state.appHandlers.get(event) ?? []), fn]),
    requestSingleInstanceLock: () => h.state.lock,
    addRecentDocument: () => {},
    quit: vi.fn(),
  },
  BrowserWindow: h.FakeWindow,
  ipcMain: { handle: () => {}, on: () => {} },
  protocol: { registerSchemesAsPrivileged: () => {}, handle: () => {} },
  session: { defaultSession: { webRequest: { onHeadersReceived: () => {} }, setPermissionRequestHandler: () => {}, setPermissionCheckHandler: () => {} } },
  Menu: { setApplicationMenu: () => {}, buildFromTemplate: (t: unknown) => t },
  dialog: {
    showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
    showSaveDialog: async () => ({ canceled: true }),
    showMessageBox: async (...args: any[]) => (h.state.messageBoxes.push(args.at(-1)), {}),
    showMessageBoxSync: () => 0,
  },
  shell: { openExternal: () => {} },
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => h.state.exposed.set(key, api) },
  ipcRenderer: { invoke: async () => null, send: () => {}, on: (channel: string, fn: (...a: any[]) => void) => h.state.rendererOn.set(channel, fn), removeListener: () => {} },
}));

vi.mock('../engine/service/workerHost.js', () => ({
  EngineHost: class {
    send() {}
    async close() {}
  },
  workerThreadEngine: () => () => ({}),
}));

describe('the graph file on a command line', () => {
  it('is the first .json argument after the app, resolved against the directory the command ran in', () => {
    expect(graphFileFromArgv(['/opt/Tensorloom/tensorloom', 'spirals.loom.json'], { skip: 1, cwd: '/home/ada/graphs' })).toBe('/home/ada/graphs/spirals.loom.json');
    expect(graphFileFromArgv(['/opt/Tensorloom/tensorloom', '--no-sandbox', '/tmp/a.loom.json', '/tmp/b.loom.json'], { skip: 1, cwd: '/' })).toBe('/tmp/a.loom.json');
    // A desktop entry's %U passes a file URL (spaces escaped).
    expect(graphFileFromArgv(['tensorloom', pathToFileURL(otherFile).href], { skip: 1, cwd: '/' })).toBe(otherFile);
  });

  it('is not the app itself, a Chromium switch or a file of another kind', () => {
    expect(graphFileFromArgv(['electron', '.'], { skip: 2, cwd: '/' })).toBeNull();
    expect(graphFileFromArgv(['electron', 'dist-electron/main.js', '--inspect=9229'], { skip: 2, cwd: '/' })).toBeNull();
    expect(graphFileFromArgv(['tensorloom', 'notes.txt', '--user-data-dir=/tmp/x.json'], { skip: 1, cwd: '/' })).toBeNull();
    expect(graphFileFromArgv(['tensorloom'], { skip: 1, cwd: '/' })).toBeNull();
  });
});

describe('registerOpenWith', () => {
  function fakeApp(lock: boolean) {
    const handlers = new Map<string, (...a: any[]) => void>();
    return { handlers, app: { isPackaged: true, on: (e: string, fn: (...a: any[]) => void) => handlers.set(e, fn), requestSingleInstanceLock: () => lock } };
  }

  it('opens the launch file, a second start’s file and a macOS open-file, focusing the window for a second start', () => {
    const { app, handlers } = fakeApp(true);
    const opened: string[] = [];
    const focus = vi.fn();
    expect(registerOpenWith(app, { open: (p) => opened.push(p), focus, argv: ['tensorloom', 'a.loom.json'], cwd: '/work' })).toBe(true);
    expect(opened).toEqual(['/work/a.loom.json']);
    handlers.get('second-instance')!({}, ['tensorloom', '--flag', 'b.loom.json'], '/elsewhere');
    expect(opened.at(-1)).toBe('/elsewhere/b.loom.json');
    expect(focus).toHaveBeenCalledTimes(1);
    handlers.get('second-instance')!({}, ['tensorloom'], '/elsewhere');
    expect(opened).toHaveLength(2);
    expect(focus).toHaveBeenCalledTimes(2);
    const event = { preventDefault: vi.fn() };
    handlers.get('open-file')!(event, '/Users/ada/c.loom.json');
    expect(event.preventDefault).toHaveBeenCalled();
    expect(opened.at(-1)).toBe('/Users/ada/c.loom.json');
  });

  it('gives way when another Tensorloom runs: nothing opens here, nothing is listened to', () => {
    const { app, handlers } = fakeApp(false);
    const open = vi.fn();
    expect(registerOpenWith(app, { open, focus: () => {}, argv: ['tensorloom', 'a.loom.json'], cwd: '/' })).toBe(false);
    expect(open).not.toHaveBeenCalled();
    expect(handlers.size).toBe(0);
  });
});

describe('OpenQueue', () => {
  it('holds files until the page is ready, and again while it reloads', () => {
    const delivered: string[] = [];
    const queue = new OpenQueue((p) => delivered.push(p));
    queue.request('/a.loom.json');
    queue.request('/a.loom.json');
    expect(delivered).toEqual([]);
    queue.pageReady();
    expect(delivered).toEqual(['/a.loom.json']);
    queue.request('/b.loom.json');
    queue.pageGone();
    queue.request('/c.loom.json');
    expect(delivered).toEqual(['/a.loom.json', '/b.loom.json']);
    queue.pageReady();
    expect(delivered).toEqual(['/a.loom.json', '/b.loom.json', '/c.loom.json']);
  });
});

describe('DocumentFiles.openFromSystem', () => {
  const dialogs = { showOpenDialog: async () => ({ canceled: true, filePaths: [] }), showSaveDialog: async () => ({ canceled: true }) };

  it('reads a graph file as text and puts it on the recent list, so the page may open it', async () => {
    const files = new DocumentFiles(dialogs, join(dir, 'recent-a.json'));
    expect(await files.openRecent(graphFile)).toBeNull();
    expect(await files.openFromSystem(graphFile)).toEqual({ path: graphFile, name: 'spirals.loom.json', text: GRAPH });
    expect(await files.openRecent(graphFile)).toMatchObject({ text: GRAPH });
  });

  it('refuses a file that is not a graph, naming the field at fault, and leaves it off the list', async () => {
    const files = new DocumentFiles(dialogs, join(dir, 'recent-b.json'));
    await expect(files.openFromSystem(badFile)).rejects.toThrow(/notes\.loom\.json is not a Tensorloom graph: version/);
    await expect(files.openFromSystem(dir)).rejects.toThrow(/is not a file/);
    expect(files.recent()).toEqual([]);
  });
});

describe('the desktop app opened with a graph file', () => {
  let argv: string[];
  beforeAll(async () => {
    h.state.userData = mkdtempSync(join(tmpdir(), 'tensorloom-electron-user-'));
    argv = process.argv;
    process.argv = ['/opt/Tensorloom/tensorloom', graphFile];
    await import('./main.js');
    await vi.waitFor(() => expect(h.state.windows).toHaveLength(1));
  });
  afterAll(() => {
    process.argv = argv;
  });

  const menuSent = () => h.state.windows[0].webContents.sent.filter(([channel]: [string]) => channel === IPC.menu).map(([, v]: [string, unknown]) => v);

  it('sends the page the launch file once the page has loaded, as a file it may open', async () => {
    const contents = h.state.windows[0].webContents;
    expect(menuSent()).toEqual([]);
    contents.emit('did-start-loading');
    contents.emit('did-finish-load');
    await vi.waitFor(() => expect(menuSent()).toEqual([{ action: 'openRecent', path: graphFile }]));
    expect(existsSync(join(h.state.userData, 'recent.json'))).toBe(true);
  });

  it('opens the file of a second start in this window, and says why a file that is no graph does not open', async () => {
    h.emit(h.state.appHandlers, 'second-instance', {}, ['/opt/Tensorloom/tensorloom', 'other graph.loom.json'], dir);
    await vi.waitFor(() => expect(menuSent().at(-1)).toEqual({ action: 'openRecent', path: otherFile }));
    expect(h.state.windows[0].focused).toBe(1);
    h.emit(h.state.appHandlers, 'open-file', { preventDefault() {} }, badFile);
    await vi.waitFor(() => expect(h.state.messageBoxes).toHaveLength(1));
    expect(h.state.messageBoxes[0]).toMatchObject({ type: 'error', message: 'Could not open notes.loom.json' });
    expect(h.state.messageBoxes[0].detail).toMatch(/not a Tensorloom graph/);
    expect(menuSent()).toHaveLength(2);
  });

  it('preload: a command sent before the page listens reaches its first listener', async () => {
    await import('./preload.js');
    h.state.rendererOn.get(IPC.menu)!({}, { action: 'openRecent', path: graphFile });
    const api = h.state.exposed.get('tensorloom');
    const received: unknown[] = [];
    const stop = api.onMenu((c: unknown) => received.push(c));
    expect(received).toEqual([{ action: 'openRecent', path: graphFile }]);
    h.state.rendererOn.get(IPC.menu)!({}, { action: 'save' });
    expect(received).toHaveLength(2);
    stop();
    const later: unknown[] = [];
    api.onMenu((c: unknown) => later.push(c));
    expect(later).toEqual([]);
  });
});
