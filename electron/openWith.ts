import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Opening a graph file with the app: from the file manager (the `.loom.json` file
 * association electron-builder.yml declares), from a command line, or by a second start
 * of the app while it runs. The path comes in argv on Linux and Windows, in macOS's
 * `open-file` event, or in `second-instance` from the start that gave way to this one.
 * The file is read as text by DocumentFiles and checked like any other graph file:
 * nothing in it is ever run.
 */

/** A graph file name: the association's `.loom.json`, or any `.json` a user points the app at. */
const GRAPH_FILE = /\.json$/i;

/**
 * The graph file named on a command line, resolved against the directory the command
 * ran in; null when there is none. `skip` is how many leading arguments are the app
 * itself: 1 when packaged (the executable), 2 when run as `electron <entry>`. Chromium
 * switches (`--…`) are not files, and a desktop entry may pass a `file://` URL.
 */
export function graphFileFromArgv(argv: readonly string[], options: { skip: number; cwd: string }): string | null {
  for (const arg of argv.slice(options.skip)) {
    if (arg.startsWith('-')) continue;
    let path = arg;
    if (/^file:\/\//i.test(arg)) {
      try {
        path = fileURLToPath(arg);
      } catch {
        continue;
      }
    }
    if (GRAPH_FILE.test(path)) return isAbsolute(path) ? path : resolve(options.cwd, path);
  }
  return null;
}

/** How many leading argv entries are the app itself (see graphFileFromArgv). */
export function appArgCount(isPackaged: boolean, defaultApp: boolean | undefined): number {
  return isPackaged || !defaultApp ? 1 : 2;
}

/** The parts of Electron's `app` the wiring uses (a fake in tests). */
export interface OpenWithApp {
  isPackaged: boolean;
  on(event: string, listener: (...args: any[]) => void): unknown;
  requestSingleInstanceLock?(): boolean;
}

export interface OpenWithDeps {
  /** Opens the file in the window (creating or focusing it as needed). */
  open(path: string): void;
  /** Brings the window to the front when a second start hands over to this one. */
  focus(): void;
  argv: readonly string[];
  cwd: string;
  /** process.defaultApp: true when run as `electron <entry>` (unpackaged). */
  defaultApp?: boolean;
}

/**
 * Claims the single instance and wires the three ways a file arrives. Returns false
 * when another Tensorloom already runs: this start has handed its file over and quits.
 */
export function registerOpenWith(app: OpenWithApp, deps: OpenWithDeps): boolean {
  const skip = appArgCount(app.isPackaged, deps.defaultApp);
  // A second start passes its command line to the first, which opens the file; the
  // second then quits, so one window owns the document and its autosave.
  const primary = app.requestSingleInstanceLock ? app.requestSingleInstanceLock() : true;
  if (!primary) return false;
  app.on('second-instance', (_event: unknown, argv: string[], workingDirectory: string) => {
    deps.focus();
    const path = graphFileFromArgv(argv, { skip, cwd: workingDirectory || deps.cwd });
    if (path) deps.open(path);
  });
  // macOS: a file dropped on the Dock icon or opened from Finder, before or after launch.
  app.on('open-file', (event: { preventDefault(): void }, path: string) => {
    event.preventDefault();
    deps.open(path);
  });
  const initial = graphFileFromArgv(deps.argv, { skip, cwd: deps.cwd });
  if (initial) deps.open(initial);
  return true;
}

/**
 * Files to open wait until the window's page can take them (its preload loaded); a
 * reload makes them wait again. Each path is handed to `deliver` once.
 */
export class OpenQueue {
  private pending: string[] = [];
  private ready = false;

  constructor(private deliver: (path: string) => void) {}

  request(path: string): void {
    if (this.ready) this.deliver(path);
    else if (!this.pending.includes(path)) this.pending.push(path);
  }

  /** The page loaded: hand over what waited. */
  pageReady(): void {
    this.ready = true;
    for (const path of this.pending.splice(0)) this.deliver(path);
  }

  /** The page is (re)loading or gone: hold files until it is back. */
  pageGone(): void {
    this.ready = false;
  }
}
