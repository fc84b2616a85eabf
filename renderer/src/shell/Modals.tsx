import { useEffect, useMemo, useState, type ReactNode } from 'react';
import type { TemplateInfo, WorkspaceFile } from '../../../engine/protocol/messages.js';
import { useApp, useDoc, useView } from '../app/context.js';
import { appActions } from '../actions/appActions.js';
import { actionLabel, formatShortcut, isEnabled } from '../actions/action.js';
import { IS_MAC } from '../app/useShortcuts.js';
import { AddNodeDialog } from '../palette/AddNodeDialog.js';
import { ImportDialog } from '../import/ImportDialog.js';
import { describeFailure } from '../engine/errors.js';
import { openTemplate, openWorkspacePath, writeTo } from '../files/fileCommands.js';
import { checkWorkspaceName, withGraphSuffix } from '../files/workspaceFiles.js';
import type { Modal } from '../view/viewStore.js';
import { OpenShareBody, ShareLinkBody } from '../share/ShareDialogs.js';

/** Renders whichever dialog the view state names, over a dimmed backdrop. */
export function ModalHost() {
  const app = useApp();
  const modal = useView((s) => s.modal);
  // Dismissing is not answering: a confirm's cancel action runs only from its button.
  const close = () => app.view.setState({ modal: null });
  // Escape closes any dialog, wherever the focus is.
  useEffect(() => {
    if (!modal) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.preventDefault();
      close();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [modal]); // eslint-disable-line react-hooks/exhaustive-deps
  if (!modal) return null;
  return (
    <div className="backdrop" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <ModalBody modal={modal} />
    </div>
  );
}

function ModalBody({ modal }: { modal: Modal }) {
  switch (modal.kind) {
    case 'add-node':
      return <AddNodeDialog at={modal.at} />;
    case 'commands':
      return <CommandPalette />;
    case 'templates':
      return <TemplatesGallery />;
    case 'file':
      return <FileDialog mode={modal.mode} />;
    case 'confirm':
      return <ConfirmDialog modal={modal} />;
    case 'import':
      return <ImportDialog initialTab={modal.tab} />;
    case 'share-link':
      return (
        <Dialog title={modal.isLink ? 'Share link' : 'Share string'} testId="share-link-dialog">
          <ShareLinkBody modal={modal} />
        </Dialog>
      );
    case 'share-open':
      return (
        <Dialog title="Open a shared graph" testId="share-open-dialog">
          <OpenShareBody modal={modal} />
        </Dialog>
      );
  }
}

function Dialog({ title, children, wide, testId }: { title: string; children: ReactNode; wide?: boolean; testId?: string }) {
  const app = useApp();
  return (
    <div className={wide ? 'dialog dialog--wide' : 'dialog'} role="dialog" aria-label={title} data-testid={testId}>
      <header className="dialog__header">
        <h2>{title}</h2>
        <button className="icon-button" aria-label="Close" onClick={() => app.view.setState({ modal: null })}>
          ×
        </button>
      </header>
      {children}
    </div>
  );
}

function CommandPalette() {
  const app = useApp();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const results = useMemo(() => {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    return appActions.filter((a) => {
      const text = `${a.group} ${actionLabel(a, app)}`.toLowerCase();
      return words.every((w) => text.includes(w));
    });
  }, [query, app]);
  useEffect(() => setActive(0), [query]);
  const run = (i: number) => {
    const action = results[i];
    if (!action || !isEnabled(action, app)) return;
    app.view.setState({ modal: null });
    void action.perform(app);
  };
  return (
    <div className="dialog dialog--search" role="dialog" aria-label="Commands" data-testid="command-palette">
      <input
        autoFocus
        className="dialog__search"
        placeholder="Type a command…"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') setActive((i) => Math.min(i + 1, results.length - 1));
          else if (e.key === 'ArrowUp') setActive((i) => Math.max(i - 1, 0));
          else if (e.key === 'Enter') run(active);
          else if (e.key === 'Escape') app.view.setState({ modal: null });
          else return;
          e.preventDefault();
        }}
      />
      <ul className="dialog__list" role="listbox">
        {results.map((a, i) => {
          const enabled = isEnabled(a, app);
          return (
            <li
              key={a.id}
              role="option"
              aria-selected={i === active}
              aria-disabled={!enabled}
              className={`dialog__option${i === active ? ' is-active' : ''}${enabled ? '' : ' is-disabled'}`}
              onMouseEnter={() => setActive(i)}
              onClick={() => run(i)}
            >
              <span className="dialog__option-group">{a.group}</span>
              <span className="dialog__option-title">{actionLabel(a, app)}</span>
              {a.shortcuts?.[0] && <kbd>{formatShortcut(a.shortcuts[0], IS_MAC)}</kbd>}
            </li>
          );
        })}
        {results.length === 0 && <li className="dialog__empty">No command matches “{query}”.</li>}
      </ul>
    </div>
  );
}

function TemplatesGallery() {
  const app = useApp();
  const [templates, setTemplates] = useState<TemplateInfo[] | null>(null);
  const [note, setNote] = useState<string | null>(null);
  useEffect(() => {
    app.engine.client
      .request('templates.list', {})
      .then(setTemplates)
      .catch((err) => setNote(describeFailure(err, 'The templates gallery')));
  }, [app]);
  return (
    <Dialog title="Templates" wide testId="templates-dialog">
      <p className="muted">Worked examples from the articles behind Tensorloom. Each opens as a new graph with its explanation beside the canvas.</p>
      {note && <p className="notice">{note}</p>}
      {templates === null && !note && <p className="muted">Loading…</p>}
      {templates?.length === 0 && <p className="notice">No templates are installed with this engine yet.</p>}
      {templates && (
      <div className="template-grid" data-testid="template-grid" data-count={templates.length}>
        {templates.map((t) => (
          <button key={t.name} className="template-card" data-testid={`template-${t.name}`} onClick={() => openTemplate(app, t.name)}>
            <span className="template-card__title">{t.title}</span>
            <span className="template-card__summary">{t.summary}</span>
            <span className="template-card__article">{t.article}</span>
          </button>
        ))}
      </div>
      )}
    </Dialog>
  );
}

function FileDialog({ mode }: { mode: 'open' | 'save' }) {
  const app = useApp();
  const file = useDoc((s) => s.file);
  const [listing, setListing] = useState<{ workspace: string; files: WorkspaceFile[] } | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [name, setName] = useState(file.path ?? withGraphSuffix(file.name === 'Untitled' ? 'untitled' : file.name));
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let cancelled = false;
    app.workspace
      .list()
      .then((l) => !cancelled && (setListing(l), setNote(null)))
      .catch((err) => !cancelled && (setListing({ workspace: '', files: [] }), setNote(describeFailure(err, 'Listing the workspace'))));
    return () => {
      cancelled = true;
    };
  }, [app]);

  const target = withGraphSuffix(name);
  const nameProblem = checkWorkspaceName(target);
  const exists = listing?.files.some((f) => f.name === target);
  const close = () => app.view.setState({ modal: null });
  const save = async () => {
    if (nameProblem) return;
    setBusy(true);
    if (await writeTo(app, target)) close();
    setBusy(false);
  };
  const open = async (fileName: string) => {
    setBusy(true);
    if (await openWorkspacePath(app, fileName)) close();
    setBusy(false);
  };

  return (
    <Dialog title={mode === 'open' ? 'Open a graph' : 'Save the graph as'} testId="file-dialog">
      {listing?.workspace && (
        <div className="file-dialog__path muted" title="The folder tensorloom serve was started with">
          {listing.workspace}
        </div>
      )}
      <ul className="file-list" data-testid="file-list">
        {listing === null && <li className="muted">Loading…</li>}
        {listing && listing.files.length === 0 && !note && <li className="muted pad">No graph files in the workspace yet.</li>}
        {listing?.files.map((f) => (
          <li key={f.name}>
            <button
              className="file-list__item"
              data-testid={`file-${f.name}`}
              disabled={busy}
              onClick={() => (mode === 'open' ? void open(f.name) : setName(f.name))}
              onDoubleClick={() => mode === 'save' && void save()}
            >
              <span aria-hidden className="file-list__icon">◈</span> {f.name}
              <span className="muted file-list__date">{new Date(f.modifiedMs).toLocaleString()}</span>
            </button>
          </li>
        ))}
      </ul>
      {note && <p className="notice">{note}</p>}
      {mode === 'save' && (
        <form
          className="file-dialog__save"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <input autoFocus type="text" value={name} onChange={(e) => setName(e.target.value)} aria-label="File name" data-testid="file-name-input" spellCheck={false} />
          <button type="submit" className="primary" disabled={!!nameProblem || busy} data-testid="file-save-confirm">
            {exists ? 'Replace' : 'Save'}
          </button>
        </form>
      )}
      {mode === 'save' && (nameProblem ? <p className="field__error">{nameProblem}</p> : <p className="muted">Saves as {target}{exists ? ' (replaces the file)' : ''}</p>)}
    </Dialog>
  );
}

function ConfirmDialog({ modal }: { modal: Extract<Modal, { kind: 'confirm' }> }) {
  const app = useApp();
  return (
    <Dialog title={modal.title} testId="confirm-dialog">
      <p>{modal.message}</p>
      <div className="button-row button-row--end">
        <button
          data-testid="confirm-cancel"
          onClick={() => {
            app.view.setState({ modal: null });
            modal.onCancel?.();
          }}
        >
          {modal.cancel ?? 'Cancel'}
        </button>
        <button
          autoFocus
          className="primary"
          data-testid="confirm-ok"
          onClick={() => {
            app.view.setState({ modal: null });
            modal.onConfirm();
          }}
        >
          {modal.confirm}
        </button>
      </div>
    </Dialog>
  );
}
