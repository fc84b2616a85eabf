import { lazy, Suspense } from 'react';
import { useApp, useView } from '../app/context.js';
import { Markdown } from '../markdown/Markdown.js';
import { Inspector } from '../inspector/Inspector.js';
import { TrainingPanel } from '../training/TrainingPanel.js';

// Monaco is large: loaded the first time the code view opens.
const CodeView = lazy(() => import('../code/CodeView.js'));

export function CodePane() {
  const show = useView((s) => s.showCode);
  if (!show) return null;
  return (
    <div className="side-pane side-pane--code">
      <Suspense fallback={<div className="code-view" data-testid="code-view"><p className="muted pad">Loading the editor…</p></div>}>
        <CodeView />
      </Suspense>
    </div>
  );
}

export function ReadmePane() {
  const app = useApp();
  const readme = useView((s) => s.readme);
  if (!readme) return null;
  return (
    <aside className="side-pane side-pane--readme" data-testid="readme" aria-label="Template notes">
      <header className="side-pane__header">
        <h2>{readme.title}</h2>
        <button className="icon-button" aria-label="Hide the notes" onClick={() => app.view.setState({ readme: null })}>
          ×
        </button>
      </header>
      <div className="side-pane__body">
        <Markdown text={readme.text} />
      </div>
    </aside>
  );
}

export function RightPanel() {
  const app = useApp();
  const tab = useView((s) => s.rightTab);
  return (
    <aside className="right-panel">
      <div className="tabs" role="tablist">
        <button role="tab" aria-selected={tab === 'node'} className={tab === 'node' ? 'is-active' : ''} data-testid="tab-node" onClick={() => app.view.setState({ rightTab: 'node' })}>
          Inspector
        </button>
        <button role="tab" aria-selected={tab === 'train'} className={tab === 'train' ? 'is-active' : ''} data-testid="tab-train" onClick={() => app.view.setState({ rightTab: 'train' })}>
          Training
        </button>
      </div>
      <div className="right-panel__body">{tab === 'node' ? <Inspector /> : <TrainingPanel />}</div>
    </aside>
  );
}

export function Toasts() {
  const toasts = useView((s) => s.toasts);
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className={`toast is-${t.tone}`} data-testid="toast">
          {t.message}
        </div>
      ))}
    </div>
  );
}
