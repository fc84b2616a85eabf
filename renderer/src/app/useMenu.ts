import { useEffect } from 'react';
import type { MenuAction } from '../../../engine/protocol/bridge.js';
import { actionById } from '../actions/appActions.js';
import { isEnabled } from '../actions/action.js';
import { openRecent } from '../files/fileCommands.js';
import type { AppServices } from './services.js';

const MENU_ACTIONS: Record<Exclude<MenuAction, 'openRecent'>, string> = {
  new: 'file.new',
  open: 'file.open',
  save: 'file.save',
  saveAs: 'file.saveAs',
  undo: 'edit.undo',
  redo: 'edit.redo',
  templates: 'file.templates',
};

/** The desktop menu's commands run the same actions as the toolbar and the keyboard. */
export function useMenu(app: AppServices): void {
  useEffect(() => {
    const onMenu = app.preload?.onMenu;
    if (typeof onMenu !== 'function') return;
    return onMenu((command) => {
      if (command.action === 'openRecent') {
        if (command.path) openRecent(app, command.path);
        return;
      }
      const id = MENU_ACTIONS[command.action];
      if (!id) return;
      const action = actionById(id);
      if (isEnabled(action, app)) void action.perform(app);
    });
  }, [app]);
}
