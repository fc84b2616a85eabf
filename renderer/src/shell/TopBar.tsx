import { useApp, useDoc, useView } from '../app/context.js';
import { actionById } from '../actions/appActions.js';
import { actionLabel, formatShortcut, isEnabled } from '../actions/action.js';
import { IS_MAC } from '../app/useShortcuts.js';

function ActionButton({ id, children, className, testId }: { id: string; children?: React.ReactNode; className?: string; testId?: string }) {
  const app = useApp();
  // Labels like "Undo Move node" follow the history, not every edit (each frame of a drag).
  useDoc((s) => s.undoLabel);
  useDoc((s) => s.redoLabel);
  useView((s) => s.selectedNodes);
  const action = actionById(id);
  const label = actionLabel(action, app);
  const shortcut = action.shortcuts?.[0];
  return (
    <button
      className={className}
      data-testid={testId ?? `action-${id}`}
      disabled={!isEnabled(action, app)}
      title={shortcut ? `${label} (${formatShortcut(shortcut, IS_MAC)})` : label}
      aria-label={label}
      onClick={() => void action.perform(app)}
    >
      {children ?? label}
    </button>
  );
}

export function TopBar() {
  const file = useDoc((s) => s.file);
  const dirty = useDoc((s) => s.dirty);
  const showCode = useView((s) => s.showCode);
  const showPalette = useView((s) => s.showPalette);
  return (
    <header className="topbar">
      <ActionButton id="view.palette" testId="palette-toggle" className={showPalette ? 'icon-button is-on' : 'icon-button'}>
        ☰
      </ActionButton>
      <div className="brand">
        <span className="brand__mark" aria-hidden>
          ◈
        </span>
        Tensorloom
      </div>
      <div className="topbar__file" data-testid="file-name" title={file.path ?? `${file.name} (not saved yet)`}>
        <span className="topbar__file-name">{file.name}</span>
        {dirty && (
          <span className="dirty-mark" title="Unsaved changes" data-testid="dirty-mark">
            ●
          </span>
        )}
      </div>
      <nav className="topbar__group" aria-label="File">
        <ActionButton id="file.new">New</ActionButton>
        <ActionButton id="file.open">Open</ActionButton>
        <ActionButton id="file.save" testId="save-button">
          Save
        </ActionButton>
        <ActionButton id="file.saveAs">Save as</ActionButton>
        <ActionButton id="file.templates" testId="templates-button">
          Templates
        </ActionButton>
        <ActionButton id="file.shareLink" testId="share-button">
          Share
        </ActionButton>
      </nav>
      <nav className="topbar__group" aria-label="Edit">
        <ActionButton id="edit.undo" testId="undo-button" className="icon-button">
          ↶
        </ActionButton>
        <ActionButton id="edit.redo" testId="redo-button" className="icon-button">
          ↷
        </ActionButton>
        <ActionButton id="node.add" testId="add-node-button">
          + Node
        </ActionButton>
      </nav>
      <div className="topbar__spacer" />
      <nav className="topbar__group" aria-label="View">
        <ActionButton id="view.code" testId="code-toggle" className={showCode ? 'is-on' : ''}>
          {'{ }'} Code
        </ActionButton>
        <ActionButton id="view.commands" testId="commands-button">
          ⌘ Commands
        </ActionButton>
        <ActionButton id="view.theme" testId="theme-toggle" className="icon-button">
          ◐
        </ActionButton>
      </nav>
    </header>
  );
}
