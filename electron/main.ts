import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session, shell, type WebContents } from 'electron';
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IPC, type MenuCommand } from '../engine/protocol/bridge.js';
import type { Push } from '../engine/protocol/messages.js';
import { defaultRecoveryDir, defaultWorkspaceDir } from '../engine/service/paths.js';
import { EngineHost, workerThreadEngine } from '../engine/service/workerHost.js';
import { appProtocolHandler } from './appProtocol.js';
import { DocumentFiles } from './files.js';
import { registerIpc, windowTitle } from './ipc.js';
import { menuTemplate } from './menu.js';
import { OpenQueue, registerOpenWith } from './openWith.js';
import { APP_INDEX, APP_SCHEME, electronCsp, hardenWebContents, isTrustedSender, mainWindowOptions } from './security.js';

// The Electron main process, kept thin: one window on the built renderer, the IPC
// transport to the engine (which runs in a worker thread, never on this thread), file
// dialogs and the menu. Everything else is the engine's and the renderer's.

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const rendererDir = join(root, 'dist-renderer');
const devTools = !app.isPackaged;

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

const windows = new Set<WebContents>();
let mainWindow: BrowserWindow | null = null;
let documentState = { name: 'Untitled', dirty: false };

function broadcast(channel: string, value: unknown): void {
  for (const contents of windows) if (!contents.isDestroyed()) contents.send(channel, value);
}

// The engine in a worker thread: training never blocks this thread, and a crash of the
// engine is reported to the page and followed by a fresh engine.
const engine = new EngineHost(
  workerThreadEngine(
    { templatesDir: join(root, 'templates'), recoveryDir: defaultRecoveryDir(), workspaceDir: defaultWorkspaceDir() },
    join(here, 'engine.mjs'),
  ),
  (push: Push) => broadcast(IPC.push, push),
);

const files = new DocumentFiles(
  {
    showOpenDialog: (options) => (mainWindow ? dialog.showOpenDialog(mainWindow, options) : dialog.showOpenDialog(options)),
    showSaveDialog: (options) => (mainWindow ? dialog.showSaveDialog(mainWindow, options) : dialog.showSaveDialog(options)),
  },
  join(app.getPath('userData'), 'recent.json'),
  (recent) => {
    for (const r of recent.slice(0, 1)) app.addRecentDocument(r.path);
    buildMenu();
  },
);

function send(command: MenuCommand): void {
  mainWindow?.webContents.send(IPC.menu, command);
}

// Graph files opened with the app (file manager, command line, a second start): checked
// here, then handed to the page as a recent file, which it opens through files.openRecent.
let started = false;
const openQueue = new OpenQueue((path) => void openFromSystem(path));

async function openFromSystem(path: string): Promise<void> {
  try {
    await files.openFromSystem(path);
    send({ action: 'openRecent', path });
  } catch (err) {
    const options = { type: 'error' as const, message: `Could not open ${basename(path)}`, detail: (err as Error).message };
    void (mainWindow ? dialog.showMessageBox(mainWindow, options) : dialog.showMessageBox(options));
  }
}

const primary = registerOpenWith(app, {
  open(path) {
    openQueue.request(path);
    // macOS keeps running with no window: a file opened from Finder brings one back.
    if (started && !mainWindow) createWindow();
  },
  focus() {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  },
  argv: process.argv,
  cwd: process.cwd(),
  defaultApp: process.defaultApp,
});
// Another Tensorloom runs: it got this start's file and opens it; this one quits.
if (!primary) app.quit();

function buildMenu(): void {
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate({
        isMac: process.platform === 'darwin',
        send,
        recent: files.recent(),
        devTools,
      }),
    ),
  );
}

function createWindow(): void {
  const win = new BrowserWindow(mainWindowOptions(join(here, 'preload.cjs'), devTools));
  mainWindow = win;
  const contents = win.webContents;
  windows.add(contents);
  win.once('ready-to-show', () => win.show());
  win.on('close', (event) => {
    if (!documentState.dirty) return;
    const choice = dialog.showMessageBoxSync(win, {
      type: 'question',
      buttons: ['Cancel', 'Close without saving'],
      defaultId: 0,
      cancelId: 0,
      message: `${documentState.name} has unsaved changes.`,
      detail: 'A recovery copy is kept by the autosave, but it is not your file.',
    });
    if (choice === 0) event.preventDefault();
  });
  win.on('closed', () => {
    windows.delete(contents);
    if (mainWindow === win) mainWindow = null;
    openQueue.pageGone();
  });
  // Files to open wait for the page's preload, which holds them until the app listens.
  contents.on('did-start-loading', () => openQueue.pageGone());
  contents.on('did-finish-load', () => openQueue.pageReady());
  contents.on('render-process-gone', (_event, details) => {
    if (details.reason === 'clean-exit') return;
    // The autosave has the work: reload and let the page offer to restore it.
    if (!win.isDestroyed()) void win.loadURL(APP_INDEX);
  });
  if (!existsSync(join(rendererDir, 'index.html'))) {
    void dialog.showMessageBox(win, { type: 'error', message: 'The Tensorloom page is not built', detail: 'Run `npm run build`, then start again.' });
  }
  void win.loadURL(APP_INDEX);
}

app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, (url) => void shell.openExternal(url)));

app.whenReady().then(async () => {
  if (!primary) return;
  protocol.handle(APP_SCHEME, appProtocolHandler(rendererDir));
  const csp = electronCsp();
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  await files.loadRecent();
  registerIpc({
    ipcMain,
    engine,
    files,
    isTrustedSender: (event) => isTrustedSender(event, windows, (contents) => (contents as WebContents).mainFrame),
    setDocument: (event, state) => {
      documentState = state;
      const win = BrowserWindow.fromWebContents(event.sender as WebContents);
      if (!win) return;
      win.setTitle(windowTitle(state));
      win.setDocumentEdited(state.dirty);
    },
  });
  buildMenu();
  started = true;
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

app.on('will-quit', () => {
  void engine.close();
});
