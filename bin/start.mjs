#!/usr/bin/env node
// `npm start`: the desktop app where Electron can run, otherwise the same app in the
// browser (browser mode), with one line saying why. Builds what is missing first.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const forceBrowser = args.includes('--browser');
const portArg = args.indexOf('--port');
const port = portArg >= 0 ? Number(args[portArg + 1]) : undefined;

/** Why Electron cannot open a window here, or null if it can. Never downloads anything. */
function electronUnavailable() {
  if (forceBrowser) return 'Browser mode was asked for (--browser)';
  let dir;
  try {
    dir = dirname(createRequire(join(root, 'package.json')).resolve('electron/package.json'));
  } catch {
    return 'Electron is not installed here';
  }
  // Reading path.txt, not requiring 'electron': requiring it would start a download.
  const pathFile = join(dir, 'path.txt');
  const binary = existsSync(pathFile) ? join(dir, 'dist', readFileSync(pathFile, 'utf8').trim()) : null;
  if (!binary || !existsSync(binary)) return "Electron's binary is not downloaded here";
  if (!hasDisplay()) return 'There is no display for a window here';
  return null;
}

function hasDisplay() {
  return process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

function run(command, commandArgs) {
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  return result.status === 0;
}

function buildRendererIfMissing() {
  if (existsSync(join(root, 'dist-renderer', 'index.html'))) return true;
  console.log('Building the page (npm run build)…');
  if (run('npm', ['run', 'build'])) return true;
  console.error('The page could not be built; fix the error above and run `npm run build`.');
  return false;
}

function openInBrowser(url) {
  if (!hasDisplay() || process.env.TENSORLOOM_NO_OPEN) return;
  const [command, commandArgs] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(command, commandArgs, { stdio: 'ignore', detached: true });
    child.on('error', () => {});
    child.unref();
  } catch {
    // Opening is a convenience: the URL is printed.
  }
}

const why = electronUnavailable();
if (why === null) {
  buildRendererIfMissing();
  if (!run(process.execPath, [join(root, 'electron', 'build.mjs')])) process.exit(1);
  const electron = createRequire(join(root, 'package.json'))('electron');
  const child = spawn(electron, [root], { cwd: root, stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log(`${why}; opening Tensorloom in browser mode instead`);
  buildRendererIfMissing();
  const { register } = await import('tsx/esm/api');
  register();
  const { serveAndReport } = await import('../engine/cli/commands/serve.ts');
  const server = await serveAndReport({ port: Number.isInteger(port) ? port : undefined, anyFreePort: portArg < 0 });
  if (!server) process.exit(1);
  openInBrowser(server.url);
  const stop = () => void server.close().finally(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
