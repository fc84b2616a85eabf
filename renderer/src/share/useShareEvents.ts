import { useEffect } from 'react';
import type { AppAction } from '../actions/appActions.js';
import type { AppServices } from '../app/services.js';
import { launchShareText } from '../files/fileCommands.js';
import { handleCopyEvent, handlePasteEvent } from './clipboardCommands.js';
import { openShareText } from './shareCommands.js';

/** Counts the page's clipboard events, so a key left to the browser can tell whether one came. */
let clipboardEvents = 0;

/**
 * The page events that share graphs: copy, cut and paste (the canvas's Copy and Paste
 * across windows), and a `#graph=` link entered in the address bar of the open page
 * (which does not reload it, so the start-up check would not see it).
 */
export function useShareEvents(app: AppServices): void {
  useEffect(() => {
    const onHashChange = () => {
      const text = launchShareText(window.location.hash);
      if (text) void openShareText(app, text).then((error) => error && app.view.setState({ modal: { kind: 'share-open', text, error } }));
    };
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, [app]);
  useEffect(() => {
    const onCopy = (event: ClipboardEvent) => {
      clipboardEvents++;
      handleCopyEvent(app, event, false);
    };
    const onCut = (event: ClipboardEvent) => {
      clipboardEvents++;
      handleCopyEvent(app, event, true);
    };
    const onPaste = (event: ClipboardEvent) => {
      clipboardEvents++;
      handlePasteEvent(app, event);
    };
    document.addEventListener('copy', onCopy);
    document.addEventListener('cut', onCut);
    document.addEventListener('paste', onPaste);
    return () => {
      document.removeEventListener('copy', onCopy);
      document.removeEventListener('cut', onCut);
      document.removeEventListener('paste', onPaste);
    };
  }, [app]);
}

/**
 * Mod+C, Mod+X and Mod+V are left to the browser, whose copy/cut/paste event carries the
 * clipboard's data without asking for permission. The browser fires it while handling
 * the key; if none came by the next task, the action runs the way the menus run it.
 */
export function leaveToClipboardEvent(app: AppServices, action: AppAction): void {
  const seen = clipboardEvents;
  setTimeout(() => {
    if (clipboardEvents === seen) void action.perform(app);
  }, 0);
}
