import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xyflow/react/dist/style.css';
import './styles/theme.css';
import './styles/app.css';
import './styles/canvas.css';
import './styles/panels.css';
import { App, THEME_KEY } from './App.js';
import { createApp } from './app/createApp.js';
import type { Transport } from '../../engine/protocol/client.js';
import { findPreload } from './engine/preload.js';
import { engineSocketUrl, webSocketTransport, type ConnectionState } from './engine/transport.js';
import type { ThemeChoice } from './view/viewStore.js';

/**
 * Picks the transport: the Electron preload's IPC when the app runs in the desktop
 * window, else the browser-mode server's WebSocket on the page's own origin.
 */
const preload = findPreload(window);
let onState: (state: ConnectionState, detail?: string) => void = () => {};
const transport: Transport = preload
  ? { send: (m) => preload.engine.send(m), onMessage: (l) => preload.engine.onMessage(l) }
  : webSocketTransport(engineSocketUrl(window.location), { onState: (s, d) => onState(s, d) });

const storedTheme = localStorage.getItem(THEME_KEY) as ThemeChoice | null;
const app = createApp({ transport, preload, theme: storedTheme === 'light' || storedTheme === 'dark' ? storedTheme : 'system' });
onState = (s, d) => app.engine.setConnection(s, d);
if (preload) app.engine.setConnection('open');

// For end-to-end tests and debugging from the console: the document and view stores.
(window as unknown as { tensorloom_app?: unknown }).tensorloom_app = app;

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App app={app} />
  </StrictMode>,
);
