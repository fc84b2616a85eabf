import { formatProblem, type Problem } from '../../../engine/graph/problems.js';
import { useApp, useValidation, useView } from '../app/context.js';
import { select } from '../view/viewStore.js';

const NONE: Problem[] = [];

/** Every problem of the graph at once; clicking one selects and centres its node. */
export function ProblemsPanel() {
  const app = useApp();
  const problems = useValidation((s) => s.view?.problems) ?? NONE;
  const error = useValidation((s) => s.error);
  const checked = useValidation((s) => s.view !== null);
  const open = useView((s) => s.showProblems);
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;

  const focus = (p: Problem) => {
    if (p.nodeId === undefined) return;
    select(app.view, [p.nodeId]);
    app.view.setState({ rightTab: 'node' });
    const node = app.flow.current?.getInternalNode(p.nodeId);
    if (node) {
      const w = node.measured.width ?? 180;
      const h = node.measured.height ?? 80;
      void app.flow.current?.setCenter(node.internals.positionAbsolute.x + w / 2, node.internals.positionAbsolute.y + h / 2, { zoom: Math.max(app.flow.current.getZoom(), 1), duration: 250 });
    }
  };

  return (
    <section className={open ? 'problems is-open' : 'problems'} data-testid="problems" data-count={problems.length}>
      <button className="problems__header" onClick={() => app.view.setState({ showProblems: !open })} aria-expanded={open}>
        <span className="problems__title">Problems</span>
        {errors > 0 && <span className="count count--error">{errors} error{errors > 1 ? 's' : ''}</span>}
        {warnings > 0 && <span className="count count--warning">{warnings} warning{warnings > 1 ? 's' : ''}</span>}
        {checked && problems.length === 0 && !error && <span className="count count--ok">✓ none</span>}
        <span className="problems__chevron">{open ? '▾' : '▸'}</span>
      </button>
      {open && (
        <ul className="problems__list">
          {error && <li className="problem is-warning">{error}</li>}
          {problems.map((p, i) => (
            <li key={i} className={`problem is-${p.severity}${p.nodeId !== undefined ? ' is-clickable' : ''}`} data-testid="problem-item" onClick={() => focus(p)}>
              <span className="problem__icon" aria-hidden>
                {p.severity === 'error' ? '●' : '▲'}
              </span>
              {formatProblem(p)}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
