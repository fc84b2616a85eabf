import { lazy, Suspense } from 'react';
import { useApp, useView } from '../app/context.js';
import { Markdown } from '../markdown/Markdown.js';
import { Inspector } from '../inspector/Inspector.js';
import { TrainingPanel } from '../training/TrainingPanel.js';
import { AnalysisPanel, AnalysisTabButton } from '../analysis/AnalysisPanel.js';

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

/** A template's explanation, in the right panel beside the canvas. */
function GuidePanel() {
  const app = useApp();
  const readme = useView((s) => s.readme);
  if (!readme) return null;
  const startsWithHeading = /^\s*#/.test(readme.text);
  return (
    <div className="guide" data-testid="readme">
      {!startsWithHeading && <h2 className="guide__title">{readme.title}</h2>}
      <Markdown text={readme.text} />
      <button className="link-button" onClick={() => app.view.setState({ readme: null, rightTab: 'node' })}>
        Close the guide
      </button>
    </div>
  );
}

export function RightPanel() {
  const app = useApp();
  const tab = useView((s) => s.rightTab);
  const hasGuide = useView((s) => s.readme !== null);
  const shown = tab === 'guide' && !hasGuide ? 'node' : tab;
  return (
    <aside className="right-panel">
      <div className="tabs" role="tablist">
        {hasGuide && (
          <button role="tab" aria-selected={shown === 'guide'} className={shown === 'guide' ? 'is-active' : ''} data-testid="tab-guide" onClick={() => app.view.setState({ rightTab: 'guide' })}>
            Guide
          </button>
        )}
        <button role="tab" aria-selected={shown === 'node'} className={shown === 'node' ? 'is-active' : ''} data-testid="tab-node" onClick={() => app.view.setState({ rightTab: 'node' })}>
          Inspector
        </button>
        <button role="tab" aria-selected={shown === 'train'} className={shown === 'train' ? 'is-active' : ''} data-testid="tab-train" onClick={() => app.view.setState({ rightTab: 'train' })}>
          Training
        </button>
        <AnalysisTabButton active={shown === 'analysis'} onClick={() => app.view.setState({ rightTab: 'analysis' })} />
      </div>
      <div className="right-panel__body">{shown === 'node' ? <Inspector /> : shown === 'train' ? <TrainingPanel /> : shown === 'analysis' ? <AnalysisPanel /> : <GuidePanel />}</div>
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
