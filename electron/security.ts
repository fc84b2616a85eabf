import type { BrowserWindowConstructorOptions, WebContents, WebPreferences } from 'electron';
import { contentSecurityPolicy } from '../engine/server/headers.js';

/**
 * The window's security settings in one place, so the tests assert exactly what the
 * app uses. The page is served from a privileged custom scheme (not file://), so the
 * sender check has one origin to trust and no file on disk is reachable by URL.
 */
export const APP_SCHEME = 'tensorloom';
export const APP_ORIGIN = `${APP_SCHEME}://app`;
export const APP_INDEX = `${APP_ORIGIN}/index.html`;

export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === 'app';
  } catch {
    return false;
  }
}

/** The page's CSP: as in browser mode, but no WebSocket (the engine is reached over IPC). */
export function electronCsp(): string {
  return contentSecurityPolicy({ connectSrc: ["'self'"] });
}

export function secureWebPreferences(preload: string, devTools = false): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
    devTools,
  };
}

export function mainWindowOptions(preload: string, devTools = false): BrowserWindowConstructorOptions {
  return {
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Tensorloom',
    backgroundColor: '#f7f7f5',
    webPreferences: secureWebPreferences(preload, devTools),
  };
}

/**
 * No navigation away from the app, no new windows (web links open in the system
 * browser instead), no <webview>. Applied to every web contents the app creates.
 */
export function hardenWebContents(contents: Pick<WebContents, 'on' | 'setWindowOpenHandler'>, openExternal: (url: string) => void): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (/^https:\/\//.test(url)) openExternal(url);
    return { action: 'deny' };
  });
}

/** The parts of an IPC event the sender check reads. */
export interface IpcSender {
  sender: unknown;
  senderFrame: { url: string } | null;
}

/**
 * An IPC message is from the app when it comes from the top frame of one of the app's
 * windows, showing the app's own page: not an iframe, not a page navigated elsewhere.
 */
export function isTrustedSender(event: IpcSender, windows: { has(contents: unknown): boolean }, mainFrameOf: (contents: unknown) => unknown): boolean {
  const frame = event.senderFrame;
  if (!frame || !windows.has(event.sender)) return false;
  if (mainFrameOf(event.sender) !== frame) return false;
  return isAppUrl(frame.url);
}
