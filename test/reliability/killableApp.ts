import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserServer } from 'playwright-core';
import { CHROMIUM, ROOT } from '../e2e/harness.js';

/**
 * The app as processes a test can kill without warning: `tensorloom serve` on a given
 * workspace and TENSORLOOM_HOME (so a second start finds what the first left), and a
 * Chromium whose whole process group can be SIGKILLed (no unload handler runs).
 */

export interface KillableServe {
  url: string;
  child: ChildProcess;
  /** SIGKILL: no signal handler, no cleanup, like a crash or a power cut. */
  kill(): Promise<void>;
  /** A polite stop (SIGTERM) for the end of a test. */
  stop(): Promise<void>;
}

export async function startServeIn(workspace: string, home: string): Promise<KillableServe> {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'tensorloom.mjs'), 'serve', '--port', '0', '--workspace', workspace], {
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
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  };
  return { url, child, kill: () => end('SIGKILL'), stop: () => end('SIGTERM') };
}

export interface KillableBrowser {
  browser: Browser;
  /** SIGKILL to the browser's whole process group: no page gets to run an unload handler. */
  kill(): Promise<void>;
  close(): Promise<void>;
}

/** Debian's Chromium, started as its own process group so that one kill takes all of it. */
export async function launchKillableChromium(): Promise<KillableBrowser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install it (apt-get install -y chromium) or set TENSORLOOM_CHROMIUM`);
  const server: BrowserServer = await chromium.launchServer({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const proc = server.process();
  const exited = new Promise<void>((resolve) => (proc.exitCode !== null || proc.signalCode !== null ? resolve() : proc.once('exit', () => resolve())));
  const browser = await chromium.connect(server.wsEndpoint());
  return {
    browser,
    async kill() {
      try {
        process.kill(-proc.pid!, 'SIGKILL');
      } catch {
        proc.kill('SIGKILL');
      }
      await exited;
      await server.kill().catch(() => {}); // removes the profile folder it made
    },
    async close() {
      await browser.close().catch(() => {});
      await server.close().catch(() => {});
    },
  };
}
