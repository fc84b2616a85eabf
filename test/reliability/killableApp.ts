import type { ChildProcess } from 'node:child_process';
import { chromium, type Browser, type BrowserServer } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, requireChromium, spawnServe } from '../e2e/harness.js';

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
  const { child, url, exited } = await spawnServe(workspace, home);
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
  requireChromium();
  const server: BrowserServer = await chromium.launchServer({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
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
