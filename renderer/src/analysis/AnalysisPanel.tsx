import { useStore } from 'zustand';
import { useApp } from '../app/context.js';
import { analysisFor, type JobState } from './analysisStore.js';
import { LandscapePanel } from './LandscapePanel.js';
import { TreePanel } from './TreePanel.js';
import './analysis.css';

/**
 * The right panel's "Analysis" tab button. Rendering it also starts following the runs
 * the session trains (it is mounted with the app), so the panel can list them later.
 */
export function AnalysisTabButton({ active, onClick }: { active: boolean; onClick(): void }) {
  analysisFor(useApp());
  return (
    <button role="tab" aria-selected={active} className={active ? 'is-active' : ''} data-testid="analysis-tab" onClick={onClick}>
      Analysis
    </button>
  );
}

/** Looking inside a trained run: its decision tree, or its loss landscape and sharpness. */
export function AnalysisPanel() {
  const app = useApp();
  const analysis = analysisFor(app);
  const runs = useStore(analysis.store, (s) => s.runs);
  const selectedId = useStore(analysis.store, (s) => s.selectedRunId);
  const view = useStore(analysis.store, (s) => s.view);
  const job = useStore(analysis.store, (s) => s.job);
  const run = runs.find((r) => r.runId === selectedId) ?? runs[runs.length - 1] ?? null;

  return (
    <div className="analysis-panel" data-testid="analysis-panel">
      <div className="analysis-head">
        <div className="segmented segmented--large" role="tablist" aria-label="analysis">
          <button role="tab" aria-selected={view === 'tree'} className={view === 'tree' ? 'is-active' : ''} data-testid="analysis-view-tree" onClick={() => analysis.store.setState({ view: 'tree' })}>
            Decision tree
          </button>
          <button role="tab" aria-selected={view === 'landscape'} className={view === 'landscape' ? 'is-active' : ''} data-testid="analysis-view-landscape" onClick={() => analysis.store.setState({ view: 'landscape' })}>
            Loss landscape
          </button>
        </div>
        {runs.length > 0 && (
          <label className="analysis-field analysis-run">
            <span>run</span>
            <select value={run?.runId ?? ''} data-testid="analysis-run" onChange={(e) => analysis.store.setState({ selectedRunId: e.target.value })}>
              {[...runs].reverse().map((r) => (
                <option key={r.runId} value={r.runId}>
                  {r.label} · {r.title} · {statusWord(r.status)}
                  {r.testMetric !== null && r.metricName === 'accuracy' ? ` · ${(r.testMetric * 100).toFixed(1)} %` : ''}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      {job && <JobBar job={job} onCancel={() => void analysis.cancel()} />}
      {!run ? (
        <div className="analysis-empty">
          <h3>Nothing trained yet</h3>
          <p>Train the graph in the Training tab; its runs appear here. Then see the network as a decision tree, or the shape of the loss around the weights it found.</p>
          <button className="link-button" onClick={() => app.view.setState({ rightTab: 'train' })}>
            Go to Training
          </button>
        </div>
      ) : view === 'tree' ? (
        <TreePanel key={run.runId} run={run} />
      ) : (
        <LandscapePanel key={run.runId} run={run} />
      )}
    </div>
  );
}

function JobBar({ job, onCancel }: { job: JobState; onCancel(): void }) {
  const known = job.fraction !== null && job.phase !== 'starting';
  const share = known ? Math.round((job.fraction ?? 0) * 100) : null;
  return (
    <div className="progress analysis-progress" data-testid="analysis-progress" data-fraction={job.fraction ?? ''} data-phase={job.phase}>
      <div className="analysis-progress__row">
        <div className={`progress__bar${known ? '' : ' is-indeterminate'}`} role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={share ?? undefined} aria-label={job.what}>
          <div className="progress__fill" style={known ? { width: `${share}%` } : undefined} />
        </div>
        <button data-testid="analysis-cancel" disabled={job.cancelling} onClick={onCancel}>
          {job.cancelling ? 'Cancelling…' : 'Cancel'}
        </button>
      </div>
      <div className="progress__text">
        <span>{job.what}…</span>
        {job.phase !== 'starting' && job.total > 0 && (
          <span>
            {phaseWord(job.phase)} {job.done}/{job.total}
          </span>
        )}
        {share !== null && <span>{share} %</span>}
      </div>
    </div>
  );
}

function phaseWord(phase: string): string {
  return { centre: 'centre', grid: 'grid points', slice: 'slice points', sharpness: 'sharpness steps', tree: 'tree' }[phase] ?? phase;
}

function statusWord(status: string): string {
  return { starting: 'starting', running: 'training', stopping: 'stopping', stopped: 'stopped', done: 'done', error: 'failed', idle: '' }[status] ?? status;
}
