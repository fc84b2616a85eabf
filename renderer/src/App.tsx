import { useEffect, useRef, useSyncExternalStore } from 'react';
import { ReactFlowProvider } from '@xyflow/react';
import { AppContext, useDoc, useEngineState, useView } from './app/context.js';
import type { AppServices } from './app/services.js';
import { useShortcuts } from './app/useShortcuts.js';
import { useMenu } from './app/useMenu.js';
import { Canvas } from './canvas/Canvas.js';
import { offerRecovery } from './files/fileCommands.js';
import { Palette } from './palette/Palette.js';
import { ModalHost } from './shell/Modals.js';
import { ProblemsPanel } from './shell/ProblemsPanel.js';
import { CodePane, RightPanel, Toasts } from './shell/SidePanes.js';
import { StatusBar } from './shell/StatusBar.js';
import { TopBar } from './shell/TopBar.js';
import { resolveTheme } from './view/viewStore.js';

/**
 * The autosave looks every second and writes once the editing pauses, or 3 s after an
 * unwritten change at the latest (files/recovery.ts).
 */
const AUTOSAVE_CHECK_MS = 1000;
export const THEME_KEY = 'tensorloom.theme';

/** How long the window title waits for the unsaved mark to settle (typing can flip it on every key). */
const TITLE_SETTLE_MS = 150;

let darkQuery: MediaQueryList | null = null;
const prefersDarkQuery = () => (darkQuery ??= window.matchMedia('(prefers-color-scheme: dark)'));

function subscribeDark(cb: () => void) {
  const mq = prefersDarkQuery();
  mq.addEventListener('change', cb);
  return () => mq.removeEventListener('change', cb);
}

/** Applies the theme to <html data-theme> and remembers an explicit choice. */
function useTheme() {
  const choice = useView((s) => s.theme);
  const prefersDark = useSyncExternalStore(subscribeDark, () => prefersDarkQuery().matches);
  useEffect(() => {
    document.documentElement.dataset.theme = resolveTheme(choice, prefersDark);
    if (choice !== 'system') localStorage.setItem(THEME_KEY, choice);
  }, [choice, prefersDark]);
}

/** The window title shows the file and an unsaved mark. */
function useTitle(app: AppServices) {
  // The flag, not the graph: the shell re-renders when the mark changes, not on every edit.
  const file = useDoc((s) => s.file);
  const dirty = useDoc((s) => s.dirty);
  // Setting the title costs the page about a millisecond (the browser redraws its tab or
  // window): typing a value back to the saved one flips the mark on every key, so the
  // title follows once the mark holds still.
  useEffect(() => {
    const timer = setTimeout(() => {
      document.title = `${dirty ? '● ' : ''}${file.name} — Tensorloom`;
      app.preload?.setTitle?.(file.name, dirty);
    }, TITLE_SETTLE_MS);
    return () => clearTimeout(timer);
  }, [app, file, dirty]);
}

/** On the first connection: offer to restore unsaved work, then autosave. */
function useRecovery(app: AppServices) {
  const connection = useEngineState((s) => s.connection);
  const offered = useRef(false);
  useEffect(() => {
    if (connection !== 'open' || offered.current) return;
    offered.current = true;
    void offerRecovery(app).finally(() => app.autosave.start(AUTOSAVE_CHECK_MS));
  }, [app, connection]);
  useEffect(() => () => app.autosave.stop(), [app]);
}

function Shell({ app }: { app: AppServices }) {
  useShortcuts(app);
  useMenu(app);
  useTheme();
  useTitle(app);
  useRecovery(app);
  const showPalette = useView((s) => s.showPalette);
  return (
    <div className="app">
      <TopBar />
      <main className={showPalette ? 'workspace' : 'workspace no-palette'}>
        {showPalette && <Palette />}
        <div className="center">
          <Canvas />
          <CodePane />
        </div>
        <RightPanel />
      </main>
      <ProblemsPanel />
      <StatusBar />
      <ModalHost />
      <Toasts />
    </div>
  );
}

export function App({ app }: { app: AppServices }) {
  return (
    <AppContext.Provider value={app}>
      <ReactFlowProvider>
        <Shell app={app} />
      </ReactFlowProvider>
    </AppContext.Provider>
  );
}
