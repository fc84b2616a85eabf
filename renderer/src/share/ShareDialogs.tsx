import { useState } from 'react';
import { useApp } from '../app/context.js';
import type { Modal } from '../view/viewStore.js';
import { openShareText } from './shareCommands.js';
import { writeSystemText } from './systemClipboard.js';

// The bodies of the two share dialogs; Modals.tsx puts them in its dialog frame.

const MONO = { fontFamily: 'var(--mono)', fontSize: 13, wordBreak: 'break-all' } as const;

/** The share link, selectable, with a Copy button for when copying on open was refused. */
export function ShareLinkBody({ modal }: { modal: Extract<Modal, { kind: 'share-link' }> }) {
  const [copied, setCopied] = useState<boolean | null>(modal.copied ? true : null);
  const copy = async () => setCopied(await writeSystemText(modal.text));
  return (
    <>
      <p className="muted">
        {modal.isLink
          ? 'The link holds a copy of this graph, with its dataset and training settings; nothing is uploaded. The link opens it in this Tensorloom; any other Tensorloom opens it with “Open share link…”.'
          : 'The string holds a copy of this graph, with its dataset and training settings; nothing is uploaded. Tensorloom opens it with “Open share link…”; a Tensorloom served in a browser also opens it added to its address as #graph=….'}
      </p>
      <textarea readOnly rows={4} value={modal.text} style={MONO} data-testid="share-link-text" aria-label={modal.isLink ? 'Share link' : 'Share string'} onFocus={(e) => e.currentTarget.select()} />
      <div className="button-row button-row--end" style={{ alignItems: 'center' }}>
        <span className="muted" data-testid="share-link-status" style={{ marginRight: 'auto' }}>
          {copied === true ? 'Copied to the clipboard.' : copied === false ? 'The clipboard refused: select the text and copy it.' : ''} {modal.text.length.toLocaleString()} characters
        </span>
        <button className="primary" autoFocus onClick={() => void copy()} data-testid="share-link-copy">
          Copy
        </button>
      </div>
    </>
  );
}

/** Paste a share link or string (or a graph's JSON) to open it; what is wrong with it shows below. */
export function OpenShareBody({ modal }: { modal: Extract<Modal, { kind: 'share-open' }> }) {
  const app = useApp();
  const [text, setText] = useState(modal.text ?? '');
  const [error, setError] = useState(modal.error ?? null);
  const [busy, setBusy] = useState(false);
  const open = async () => {
    setBusy(true);
    setError(await openShareText(app, text));
    setBusy(false);
  };
  return (
    <form
      style={{ display: 'contents' }}
      onSubmit={(e) => {
        e.preventDefault();
        void open();
      }}
    >
      <p className="muted">Paste a share link, or the part of it after #graph= (it starts with “tl1.”).</p>
      <textarea
        autoFocus
        rows={4}
        value={text}
        style={MONO}
        spellCheck={false}
        placeholder="https://…/#graph=tl1.…"
        aria-label="Share link or string"
        data-testid="share-open-text"
        onChange={(e) => (setText(e.target.value), setError(null))}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey) {
            e.preventDefault();
            void open();
          }
        }}
      />
      {error && (
        <p className="notice notice--error" role="alert" data-testid="share-open-error">
          Could not open the shared graph: {error}
        </p>
      )}
      <div className="button-row button-row--end">
        <button type="submit" className="primary" disabled={busy || !text.trim()} data-testid="share-open-confirm">
          Open
        </button>
      </div>
    </form>
  );
}
