import { useEffect } from 'react';
import { useApp, useView } from '../app/context.js';
import { actionById, type AppAction } from '../actions/appActions.js';
import { actionLabel, formatShortcut, isEnabled } from '../actions/action.js';
import { IS_MAC } from '../app/useShortcuts.js';
import type { ContextMenuState } from '../view/viewStore.js';

/** Which actions a right-click offers, by what was clicked. The same Action objects as everywhere. */
export function contextActions(target: ContextMenuState['target']): string[] {
  switch (target) {
    case 'node':
      return ['edit.duplicate', 'edit.copy', 'edit.cut', 'edit.delete'];
    case 'edge':
      return ['edit.delete'];
    case 'pane':
      return ['node.add', 'edit.paste', 'edit.selectAll', 'view.fit', 'edit.undo', 'edit.redo'];
  }
}

export function ContextMenu() {
  const app = useApp();
  const menu = useView((s) => s.contextMenu);
  useEffect(() => {
    if (!menu) return;
    const close = () => app.view.setState({ contextMenu: null });
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && close();
    window.addEventListener('keydown', onKey);
    window.addEventListener('blur', close);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('blur', close);
    };
  }, [app, menu]);
  if (!menu) return null;
  const run = (action: AppAction) => {
    app.view.setState({ contextMenu: null });
    // "Add node…" from a right-click places the node where the menu was opened.
    if (action.id === 'node.add') app.view.setState({ modal: { kind: 'add-node', at: menu.at } });
    else void action.perform(app);
  };
  return (
    <div className="context-backdrop" onMouseDown={() => app.view.setState({ contextMenu: null })} onContextMenu={(e) => (e.preventDefault(), app.view.setState({ contextMenu: null }))}>
      <ul className="context-menu" role="menu" style={{ left: menu.x, top: menu.y }} onMouseDown={(e) => e.stopPropagation()} data-testid="context-menu">
        {contextActions(menu.target).map((id) => {
          const action = actionById(id);
          const enabled = isEnabled(action, app);
          return (
            <li key={id} role="menuitem" aria-disabled={!enabled}>
              <button disabled={!enabled} onClick={() => run(action)} data-testid={`menu-${id}`}>
                <span>{actionLabel(action, app)}</span>
                {action.shortcuts?.[0] && <kbd>{formatShortcut(action.shortcuts[0], IS_MAC)}</kbd>}
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
