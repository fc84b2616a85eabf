import { useEffect } from 'react';
import { appActions } from '../actions/appActions.js';
import { findShortcutAction } from '../actions/action.js';
import type { AppServices } from './services.js';
import { isTextTarget } from './textTarget.js';
import { leaveToClipboardEvent, useShareEvents } from '../share/useShareEvents.js';

export const IS_MAC = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

export { isTextTarget };

/** Keys whose browser default fires the copy/cut/paste event that the canvas handles. */
const CLIPBOARD_ACTIONS = new Set(['edit.copy', 'edit.cut', 'edit.paste']);

/** One keydown listener runs every action's shortcut. Dialogs handle their own keys. */
export function useShortcuts(app: AppServices): void {
  useShareEvents(app);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing) return;
      const modalOpen = app.view.getState().modal !== null;
      const inTextField = isTextTarget(event.target);
      // Space presses a focused button or tab; it only opens search-to-add elsewhere.
      if (event.key === ' ' && (event.target as HTMLElement | null)?.closest?.('button, a, summary, [role="button"], [role="tab"], [role="option"]')) return;
      const action = findShortcutAction(appActions, event, app, { isMac: IS_MAC, inTextField: inTextField || modalOpen });
      if (!action) return;
      if (modalOpen && action.id !== 'file.save' && action.id !== 'file.saveAs') return;
      if (CLIPBOARD_ACTIONS.has(action.id)) return leaveToClipboardEvent(app, action);
      event.preventDefault();
      void action.perform(app);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [app]);
}
