import { useEffect } from 'react';
import { z } from 'zod';
import { MENU_ACTIONS, type MenuAction, type MenuCommand } from '../../../engine/protocol/bridge.js';
import { actionById } from '../actions/appActions.js';
import { isEnabled } from '../actions/action.js';
import { openRecent } from '../files/fileCommands.js';
import type { AppServices } from './services.js';

/** The app action each menu command runs (the same Action as the toolbar, keys and palette). */
export const MENU_ACTION_IDS: Record<Exclude<MenuAction, 'openRecent'>, string> = {
  new: 'file.new',
  open: 'file.open',
  save: 'file.save',
  saveAs: 'file.saveAs',
  templates: 'file.templates',
  importData: 'file.importData',
  shareLink: 'file.shareLink',
  openShared: 'file.openShared',
  undo: 'edit.undo',
  redo: 'edit.redo',
};

// Only the fixed list of actions, and a path for openRecent alone: anything else that
// arrives on the menu channel is dropped before it can run an action.
const MenuCommandSchema = z.union([
  z.strictObject({ action: z.literal('openRecent'), path: z.string().min(1).max(4096) }),
  z.strictObject({ action: z.enum(MENU_ACTIONS).exclude(['openRecent']) }),
]);

/** The command when it is one the menu sends, else null. */
export function readMenuCommand(raw: unknown): (z.infer<typeof MenuCommandSchema> & MenuCommand) | null {
  const parsed = MenuCommandSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

/** The desktop menu's commands run the same actions as the toolbar and the keyboard. */
export function useMenu(app: AppServices): void {
  useEffect(() => {
    const onMenu = app.preload?.onMenu;
    if (typeof onMenu !== 'function') return;
    return onMenu((raw) => {
      const command = readMenuCommand(raw);
      if (!command) return;
      if (command.action === 'openRecent') {
        openRecent(app, command.path);
        return;
      }
      const action = actionById(MENU_ACTION_IDS[command.action]);
      if (isEnabled(action, app)) void action.perform(app);
    });
  }, [app]);
}
