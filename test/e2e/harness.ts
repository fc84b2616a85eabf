import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const ROOT = join(import.meta.dirname, '..', '..');
export const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');

/** Newest modification time under the given paths (files and folders, recursively). */
function newestMtime(paths: string[]): number {
  let newest = 0;
  const visit = (p: string) => {
    const s = statSync(p);
    if (s.isDirectory()) {
      for (const name of readdirSync(p)) if (name !== 'node_modules') visit(join(p, name));
    } else newest = Math.max(newest, s.mtimeMs);
  };
  for (const p of paths) if (existsSync(p)) visit(p);
  return newest;
}

/** Builds dist-renderer/ once when any renderer or shared engine source is newer than it. */
export function buildRendererIfStale(): void {
  const built = join(ROOT, 'dist-renderer', 'index.html');
  const sources = ['renderer', 'vite.config.ts', 'engine/protocol', 'engine/graph', 'engine/nodes/params.ts', 'engine/shapes', 'engine/train/events.ts'].map((p) => join(ROOT, p));
  if (existsSync(built) && statSync(built).mtimeMs >= newestMtime(sources)) return;
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stdout}\n${r.stderr}`);
}

export interface Served {
  url: string;
  workspace: string;
  home: string;
  stop(): Promise<void>;
}

/**
 * Starts `tensorloom serve --port 0` on the given workspace and TENSORLOOM_HOME, as a user
 * starts it, and resolves once it says where it runs (rejects if it exits first or takes 60 s).
 */
export async function spawnServe(workspace: string, home: string): Promise<{ child: ChildProcess; url: string; exited: Promise<void> }> {
  // TENSORLOOM_SERVE_CPU_PROF=DIR profiles the server and its engine worker (one .cpuprofile each).
  const profile = process.env.TENSORLOOM_SERVE_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.TENSORLOOM_SERVE_CPU_PROF}`] : [];
  const child: ChildProcess = spawn(process.execPath, [...profile, join(ROOT, 'bin', 'tensorloom.mjs'), 'serve', '--port', '0', '--workspace', workspace], {
    cwd: ROOT,
    env: { ...process.env, TENSORLOOM_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tensorloom serve did not start in 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /running at (http:\/\/\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`tensorloom serve exited with ${child.exitCode}:\n${output}`));
    });
  });
  return { child, url, exited };
}

/** `tensorloom serve --port 0` with its own workspace and TENSORLOOM_HOME, as a user starts it. */
export async function startServe(): Promise<Served> {
  const root = mkdtempSync(join(tmpdir(), 'tensorloom-e2e-'));
  const workspace = join(root, 'workspace');
  const home = join(root, 'home');
  mkdirSync(workspace);
  mkdirSync(home);
  const { child, url } = await spawnServe(workspace, home);
  return {
    url,
    workspace,
    home,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Debian's Chromium (apt-get install chromium); TENSORLOOM_CHROMIUM points elsewhere. */
export const CHROMIUM = process.env.TENSORLOOM_CHROMIUM ?? '/usr/bin/chromium';

/** Flags for a headless Chromium that does nothing on its own (no updates, sync or first-run pages). */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Throws a message that says how to get Chromium when there is none at CHROMIUM. */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install it (apt-get install -y chromium) or set TENSORLOOM_CHROMIUM`);
}

export function launchChromium(): Promise<Browser> {
  requireChromium();
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

/** Polls until the expectation holds, every 100 ms for at most `timeout` ms. */
export const poll = <T>(fn: () => Promise<T>, timeout = 10_000) => expect.poll(fn, { timeout, interval: 100 });

/** Collects the page's uncaught errors and console errors into `into`. */
export function watchErrors(page: Page, into: string[]): void {
  page.on('pageerror', (err) => into.push(err.message));
  page.on('console', (m) => {
    if (m.type() === 'error') into.push(m.text());
  });
}

export interface OpenApp {
  served: Served;
  browser: Browser;
  page: Page;
  /** Uncaught errors and console errors of the page so far. */
  pageErrors: string[];
}

/** The app in a 1440x900 Chromium page against a fresh `tensorloom serve`, once the palette shows. */
export async function openApp(): Promise<OpenApp> {
  buildRendererIfStale();
  const [served, browser] = await Promise.all([startServe(), launchChromium()]);
  const app: OpenApp = { served, browser, page: undefined as unknown as Page, pageErrors: [] };
  try {
    app.page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    watchErrors(app.page, app.pageErrors);
    await app.page.goto(served.url);
    await app.page.getByTestId('palette-item-Input').waitFor();
  } catch (err) {
    await closeApp(app); // nobody else holds the processes yet
    throw err;
  }
  return app;
}

export async function closeApp(app: Partial<OpenApp> | undefined): Promise<void> {
  await app?.browser?.close();
  await app?.served?.stop();
}
