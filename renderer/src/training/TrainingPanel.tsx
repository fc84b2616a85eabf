import { useEffect, useRef, useState } from 'react';
import { DEFAULT_TRAINING, type TrainingConfig } from '../../../engine/graph/schema.js';
import type { DatasetPreview } from '../../../engine/protocol/messages.js';
import type { ParamValue } from '../../../engine/nodes/params.js';
import { useApp, useDoc, useEngineState, useTrain } from '../app/context.js';
import { actionById } from '../actions/appActions.js';
import { isEnabled } from '../actions/action.js';
import { setDataset, setDatasetParam, updateTraining } from '../doc/graphEdits.js';
import { describeFailure } from '../engine/errors.js';
import { ParamField } from '../inspector/ParamField.js';
import type { FieldSpec } from '../inspector/paramValue.js';
import { MetricChart } from '../charts/MetricChart.js';
import { BoundaryView, ConfusionView, DatasetPreviewView } from './DataViews.js';
import { formatDuration } from './runState.js';
import { select } from '../view/viewStore.js';
import { LabeledField } from '../shell/LabeledField.js';

const SPECS: Record<string, FieldSpec> = {
  learningRate: { kind: 'number', default: DEFAULT_TRAINING.optimizer.learningRate, min: 0, max: 10, exclusiveMin: true, doc: 'Step size of the optimizer' },
  momentum: { kind: 'number', default: 0, min: 0, max: 0.999, doc: 'SGD momentum (0 = plain SGD)' },
  weightDecay: { kind: 'number', default: 0.01, min: 0, max: 10, doc: 'Decoupled weight decay of AdamW' },
  batchSize: { kind: 'int', default: DEFAULT_TRAINING.batchSize, min: 1, max: 65536, doc: 'Samples per step' },
  epochs: { kind: 'int', default: DEFAULT_TRAINING.epochs, min: 1, max: 100000, doc: 'Passes over the training split' },
  seed: { kind: 'int', default: 1, min: 0, max: 2 ** 31 - 1, doc: 'Same seed, same initial weights and batches' },
  rho: { kind: 'number', default: 0.05, min: 0, max: 10, exclusiveMin: true, doc: 'SAM neighbourhood radius ρ' },
  testFraction: { kind: 'number', default: 0.2, min: 0, max: 0.99, exclusiveMin: true, doc: 'Share of the data held out for testing (datasets without their own split)' },
};

/**
 * The run controls stay pinned at the top; results come first once there is a run, then
 * the data and the training settings, which fold away.
 */
export function TrainingPanel() {
  const hasRun = useTrain((t) => t.status !== 'idle');
  const starting = useTrain((t) => t.status === 'starting');
  const root = useRef<HTMLDivElement>(null);
  // A new run puts its results in view, wherever the settings were scrolled to.
  useEffect(() => {
    if (starting) root.current?.closest('.right-panel__body')?.scrollTo({ top: 0 });
  }, [starting]);
  return (
    <div className="training" data-testid="training-panel" ref={root}>
      <RunBar />
      {hasRun && <ResultsSection />}
      <DatasetSection />
      <SettingsSection />
    </div>
  );
}

function DatasetSection() {
  const app = useApp();
  const dataset = useDoc((s) => s.graph.dataset);
  const datasets = useEngineState((s) => s.datasets);
  const connection = useEngineState((s) => s.connection);
  const info = datasets.find((d) => d.name === dataset.name);
  const [preview, setPreview] = useState<DatasetPreview | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const key = JSON.stringify(dataset);

  useEffect(() => {
    if (connection !== 'open') return;
    let cancelled = false;
    const timer = setTimeout(() => {
      app.engine.client
        .request('dataset.preview', { dataset, limit: info?.twoD ? 800 : 32 })
        .then((p) => !cancelled && (setPreview(p), setNote(null)))
        .catch((err) => !cancelled && (setPreview(null), setNote(describeFailure(err, 'The dataset preview'))));
    }, 250);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [app, key, connection, info?.twoD]); // eslint-disable-line react-hooks/exhaustive-deps

  return (
    <details className="panel-section" open>
      <summary>
        <h3>Data</h3>
        <span className="summary-value">{dataset.name}</span>
      </summary>
      <LabeledField id="dataset-name" label="dataset">
        <div className="dataset-row">
        <select
          id="dataset-name"
          data-testid="dataset-select"
          value={dataset.name}
          onChange={(e) => app.doc.change(`Use dataset ${e.target.value}`, (g) => setDataset(g, { name: e.target.value, ...(dataset.testFraction ? { testFraction: dataset.testFraction } : {}) }))}
        >
          {!info && <option value={dataset.name}>{dataset.name || '(none)'}</option>}
          {datasets.map((d) => (
            <option key={d.name} value={d.name}>
              {d.name}
            </option>
          ))}
        </select>
        <button title="Import a CSV file or a folder of pictures" data-testid="dataset-import" onClick={() => app.view.setState({ modal: { kind: 'import', tab: dataset.name === 'images' ? 'images' : 'csv' } })}>
          Import…
        </button>
        </div>
        {info && <div className="field__doc">{info.summary}</div>}
      </LabeledField>
      {info &&
        Object.entries(info.params).map(([name, spec]) => (
          <ParamField
            key={`${dataset.name}:${name}`}
            name={name}
            spec={spec as FieldSpec}
            value={dataset.params?.[name]}
            onChange={(v) => app.doc.change(`Set dataset ${name}`, (g) => setDatasetParam(g, name, v), { mergeKey: `dataset:${name}` })}
            onCommit={() => app.doc.seal()}
          />
        ))}
      {!info?.ownSplit && (
      <ParamField
        name="testFraction"
        spec={SPECS.testFraction}
        value={dataset.testFraction}
        onChange={(v) =>
          app.doc.change(
            'Set test fraction',
            (g) => {
              if (v === undefined) delete g.dataset.testFraction;
              else g.dataset.testFraction = v as number;
            },
            { mergeKey: 'dataset:testFraction' },
          )
        }
        onCommit={() => app.doc.seal()}
      />
      )}
      {preview && (
        <div className="preview">
          <DatasetPreviewView preview={preview} />
          <p className="muted">
            {preview.trainCount.toLocaleString()} training and {preview.testCount.toLocaleString()} test samples
            {preview.spec.numClasses ? ` · ${preview.spec.numClasses} classes` : ''} · x <code>[{preview.spec.x.shape.join('×')}]</code>
          </p>
        </div>
      )}
      {!preview && !note && <p className="muted">Loading a preview of the data…</p>}
      {note && <p className="notice">{note}</p>}
    </details>
  );
}

function SettingsSection() {
  const app = useApp();
  const training = useDoc((s) => s.graph.training) ?? DEFAULT_TRAINING;
  const opt = training.optimizer;
  const edit = (label: string, key: string, fn: (t: TrainingConfig) => void) => app.doc.change(label, (g) => updateTraining(g, fn as never), { mergeKey: `training:${key}` });
  const field = (name: string, value: ParamValue | undefined, set: (t: TrainingConfig, v: ParamValue | undefined) => void, testId?: string) => (
    <ParamField name={name} spec={SPECS[name]} value={value} testId={testId} onChange={(v) => edit(`Set ${name}`, name, (t) => set(t, v))} onCommit={() => app.doc.seal()} />
  );
  return (
    <details className="panel-section" open>
      <summary>
        <h3>Training</h3>
        <span className="summary-value">
          {opt.type} · lr {opt.learningRate} · {training.epochs} epochs{training.sam ? ' · SAM' : ''}
        </span>
      </summary>
      <div className="field-grid">
        <LabeledField id="optimizer" label="optimizer">
          <select
            id="optimizer"
            value={opt.type}
            data-testid="optimizer-select"
            onChange={(e) => edit('Set optimizer', 'optimizer', (t) => void (t.optimizer = { type: e.target.value as 'sgd' | 'adam' | 'adamw', learningRate: t.optimizer.learningRate }))}
          >
            <option value="adam">Adam</option>
            <option value="adamw">AdamW</option>
            <option value="sgd">SGD</option>
          </select>
        </LabeledField>
        {field('learningRate', opt.learningRate, (t, v) => void (t.optimizer.learningRate = (v as number) ?? SPECS.learningRate.default), 'train-lr')}
        {opt.type === 'sgd' && field('momentum', opt.momentum, (t, v) => void (v === undefined ? delete t.optimizer.momentum : (t.optimizer.momentum = v as number)))}
        {opt.type === 'adamw' && field('weightDecay', opt.weightDecay, (t, v) => void (v === undefined ? delete t.optimizer.weightDecay : (t.optimizer.weightDecay = v as number)))}
        {field('batchSize', training.batchSize, (t, v) => void (t.batchSize = (v as number) ?? DEFAULT_TRAINING.batchSize), 'train-batch')}
        {field('epochs', training.epochs, (t, v) => void (t.epochs = (v as number) ?? DEFAULT_TRAINING.epochs), 'train-epochs')}
        {field('seed', training.seed, (t, v) => void (v === undefined ? delete t.seed : (t.seed = v as number)), 'train-seed')}
      </div>
      <div className="field field--inline">
        <label className="switch">
          <input
            type="checkbox"
            checked={!!training.sam}
            data-testid="train-sam"
            onChange={(e) => edit(e.target.checked ? 'Use SAM' : 'Stop using SAM', 'sam', (t) => void (e.target.checked ? (t.sam = { rho: 0.05 }) : delete t.sam))}
          />
          <span>Sharpness-aware minimisation (SAM)</span>
        </label>
      </div>
      {training.sam && field('rho', training.sam.rho, (t, v) => void (t.sam = { rho: (v as number) ?? 0.05 }))}
      <LabeledField id="method" label="method">
        <select id="method" value={training.method ?? 'backprop'} onChange={(e) => edit('Set training method', 'method', (t) => void (e.target.value === 'backprop' ? delete t.method : (t.method = 'forward-forward')))}>
          <option value="backprop">Backpropagation</option>
          <option value="forward-forward">Forward-Forward</option>
        </select>
      </LabeledField>
    </details>
  );
}

function RunBar() {
  const app = useApp();
  const s = useTrain((t) => t);
  useDoc((d) => d.revision); // re-evaluate the Train button's enabled state on edits
  useEngineState((e) => e.connection);
  const running = s.status === 'running' || s.status === 'starting' || s.status === 'stopping';
  const progress = s.totalSteps ? Math.min(1, s.step / s.totalSteps) : 0;
  const start = actionById('train.start');
  return (
    <div className="run-bar">
      <div className="button-row">
        <button className="primary" data-testid="train-button" disabled={!isEnabled(start, app)} onClick={() => start.perform(app)}>
          {s.runId && !running ? '▶ Train again' : '▶ Train'}
        </button>
        <button data-testid="stop-button" disabled={!running || s.status === 'stopping'} onClick={() => void app.trainer.stop()}>
          ■ Stop
        </button>
        <button data-testid="resume-button" disabled={s.status !== 'stopped'} onClick={() => void app.trainer.resume()}>
          Resume
        </button>
      </div>
      {s.status === 'idle' ? (
        <p className="muted run-bar__hint">Trains the graph on the data below; the curves and the progress update live.</p>
      ) : (
        <div className="progress" data-testid="progress" data-status={s.status}>
          <div className="progress__bar" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(progress * 100)}>
            <div className="progress__fill" style={{ width: `${progress * 100}%` }} />
          </div>
          <div className="progress__text">
            <span data-testid="run-status">{statusText(s.status)}</span>
            {s.totalSteps > 0 && (
              <span>
                epoch {Math.min(s.epoch, s.epochs)}/{s.epochs} · step {s.step}/{s.totalSteps}
              </span>
            )}
            {s.etaMs !== null && running && <span>{formatDuration(s.etaMs)} left</span>}
            {!running && s.elapsedMs > 0 && <span>took {formatDuration(s.elapsedMs)}</span>}
          </div>
        </div>
      )}
    </div>
  );
}

function ResultsSection() {
  const app = useApp();
  const s = useTrain((t) => t);
  const datasets = useEngineState((e) => e.datasets);
  const twoD = s.graph ? (datasets.find((d) => d.name === s.graph!.dataset.name)?.twoD ?? false) : false;
  const [preview, setPreview] = useState<DatasetPreview | null>(null);
  useEffect(() => {
    if (!twoD || !s.graph) return setPreview(null);
    let cancelled = false;
    app.engine.client
      .request('dataset.preview', { dataset: s.graph.dataset, limit: 400 })
      .then((p) => !cancelled && setPreview(p))
      .catch(() => !cancelled && setPreview(null));
    return () => {
      cancelled = true;
    };
  }, [app, twoD, s.graph]);

  const percent = s.metricName === 'accuracy';
  const fmtMetric = (v: number | null) => (v === null ? '–' : percent ? `${(v * 100).toFixed(1)} %` : v.toPrecision(3));

  return (
    <section className="panel-section results">
      {s.error && (
        <div className="notice notice--error" data-testid="train-error">
          {s.error.message}
          {s.error.nodeId && (
            <button className="link-button" onClick={() => (select(app.view, [s.error!.nodeId!]), app.view.setState({ rightTab: 'node' }))}>
              Show node “{s.error.nodeId}”
            </button>
          )}
        </div>
      )}
      <div className="metrics-row">
        <div className="metric">
          <span className="metric__label">test {s.metricName ?? 'metric'}</span>
          <span className="metric__value" data-testid="test-accuracy" data-value={s.lastTestMetric ?? ''}>
            {fmtMetric(s.lastTestMetric)}
          </span>
        </div>
        <div className="metric">
          <span className="metric__label">test loss</span>
          <span className="metric__value">{s.lastTestLoss === null ? '–' : s.lastTestLoss.toPrecision(3)}</span>
        </div>
        <div className="metric">
          <span className="metric__label">parameters</span>
          <span className="metric__value">{s.parameters === null ? '–' : s.parameters.toLocaleString()}</span>
        </div>
      </div>
      <h4>Loss</h4>
      <MetricChart kind="loss" testId="loss-chart" />
      <h4>{s.metricName === 'accuracy' ? 'Accuracy' : s.metricName ? s.metricName : 'Metric'}</h4>
      <MetricChart kind="metric" testId="metric-chart" />
      {twoD && (
        <>
          <h4>Decision boundary</h4>
          {s.boundary ? <BoundaryView grid={s.boundary} preview={preview} /> : <p className="muted">{s.boundaryNote ?? 'Drawn after the first epoch.'}</p>}
          {s.boundary && s.boundaryNote && <p className="notice">{s.boundaryNote}</p>}
        </>
      )}
      {(s.confusion || s.confusionNote) && (
        <>
          <h4>Confusion matrix (test split)</h4>
          {s.confusion ? <ConfusionView classes={s.confusion.classes} matrix={s.confusion.matrix} /> : <p className="notice">{s.confusionNote}</p>}
        </>
      )}
    </section>
  );
}

function statusText(status: string): string {
  switch (status) {
    case 'starting':
      return 'Starting…';
    case 'running':
      return 'Training';
    case 'stopping':
      return 'Stopping…';
    case 'stopped':
      return 'Stopped';
    case 'done':
      return 'Done';
    case 'error':
      return 'Failed';
    default:
      return '';
  }
}
