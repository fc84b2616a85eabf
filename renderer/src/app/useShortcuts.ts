import { useEffect } from 'react';
import { appActions } from '../actions/appActions.js';
import { findShortcutAction } from '../actions/action.js';
import type { AppServices } from './services.js';

export const IS_MAC = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

/** Typing in a field or the code editor must not delete nodes or open dialogs. */
export function isTextTarget(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || typeof el.closest !== 'function') return false;
  if (el.closest('.monaco-editor')) return true;
  const tag = el.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable) return true;
  if (tag === 'INPUT') {
    const type = (el as HTMLInputElement).type;
    return !['checkbox', 'radio', 'button', 'range', 'submit'].includes(type);
  }
  return false;
}

/** One keydown listener runs every action's shortcut. Dialogs handle their own keys. */
export function useShortcuts(app: AppServices): void {
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
      event.preventDefault();
      void action.perform(app);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [app]);
}
