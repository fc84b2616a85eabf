import { useMemo, useState } from 'react';
import { useStore } from 'zustand';
import type { CompareAnalysis, SharpnessInfo } from '../../../engine/protocol/messages.js';
import { useApp } from '../app/context.js';
import { cssVar } from '../charts/colors.js';
import { describeFailure } from '../engine/errors.js';
import { analysisFor, wasCancelled, type LandscapeSettings, type SessionRun } from './analysisStore.js';
import { formatLoss } from './contour.js';
import { ContourMap, SliceChart, Surface3D, type SliceSeries } from './LandscapeViews.js';

/**
 * The loss around the trained weights (Li et al.): a 2-D slice as a contour map and a
 * surface, or a 1-D slice; its sharpness as the SAM article defines it; and the 1-D
 * slices of two runs side by side, e.g. the same network trained with SGD and with SAM.
 */
export function LandscapePanel({ run }: { run: SessionRun }) {
  const app = useApp();
  const analysis = analysisFor(app);
  const settings = useStore(analysis.store, (s) => s.landscapeSettings);
  const cached = useStore(analysis.store, (s) => s.landscape);
  const note = useStore(analysis.store, (s) => s.landscapeNote);
  const busy = useStore(analysis.store, (s) => s.job?.panel === 'landscape');
  const land = cached && cached.runId === run.runId ? cached : null;
  const set = (patch: Partial<LandscapeSettings>) => analysis.store.setState({ landscapeSettings: { ...settings, ...patch } });

  const compute = async () => {
    analysis.store.setState({ landscapeNote: null });
    const s = settings;
    try {
      const result = await analysis.run('landscape', `Computing the ${s.kind === '2d' ? `${s.grid}×${s.grid}` : `${s.grid}-point`} landscape`, 'analysis.landscape', {
        runId: run.runId,
        kind: s.kind,
        grid: s.grid,
        directions: s.directions,
        ...(s.directions === 'random' ? { range: s.range } : {}),
        rho: s.rho,
      });
      analysis.store.setState({ landscape: { runId: run.runId, settings: s, result } });
    } catch (err) {
      analysis.store.setState({ landscapeNote: wasCancelled(err) ? 'Cancelled: nothing was changed.' : describeFailure(err, 'The loss landscape') });
    }
  };

  const result = land?.result ?? null;
  const sliceSeries = useMemo<SliceSeries[]>(() => (result?.kind === '1d' ? [{ label: run.label, losses: result.losses, color: cssVar('--chart-train', '#2f6fde') }] : []), [result, run.label]);

  return (
    <div className="analysis-section" data-testid="landscape-panel">
      <div className="analysis-controls">
        <div className="segmented" role="radiogroup" aria-label="slice">
          {(['2d', '1d'] as const).map((k) => (
            <button key={k} role="radio" aria-checked={settings.kind === k} className={settings.kind === k ? 'is-active' : ''} data-testid={`landscape-kind-${k}`} onClick={() => set({ kind: k, grid: k === '2d' ? 21 : 41 })}>
              {k === '2d' ? '2-D' : '1-D'}
            </button>
          ))}
        </div>
        <div className="segmented" role="radiogroup" aria-label="directions">
          <button role="radio" aria-checked={settings.directions === 'random'} className={settings.directions === 'random' ? 'is-active' : ''} onClick={() => set({ directions: 'random' })} title="Filter-normalised random directions (Li et al. 2018)">
            Random
          </button>
          <button role="radio" aria-checked={settings.directions === 'trajectory'} className={settings.directions === 'trajectory' ? 'is-active' : ''} data-testid="landscape-trajectory" onClick={() => set({ directions: 'trajectory' })} title="The training path's two main directions (PCA of the weights at each epoch)">
            Training path
          </button>
        </div>
        <NumberField label="grid" value={settings.grid} min={3} max={101} step={2} testId="landscape-grid" onChange={(v) => set({ grid: Math.round(v) })} />
        {settings.directions === 'random' && <NumberField label="range ±" value={settings.range} min={0.01} max={100} step={0.25} testId="landscape-range" onChange={(v) => set({ range: v })} />}
        <NumberField label="ρ" value={settings.rho} min={0.001} max={10} step={0.01} testId="landscape-rho" onChange={(v) => set({ rho: v })} />
        <button className="primary" disabled={busy} data-testid="landscape-compute" onClick={() => void compute()}>
          Compute
        </button>
      </div>
      <p className="muted analysis-explain">
        The training loss at w + α·δ + β·η around the trained weights w{settings.directions === 'random' ? ', along random directions scaled filter by filter to the weights so runs compare fairly' : ', along the directions the weights moved most during training'}. A wide, flat basin generalises better than a sharp one.
      </p>
      {note && <p className="notice">{note}</p>}
      {!result && !note && !busy && <p className="muted">Choose the slice and press Compute. A 21×21 grid evaluates the loss 441 times over the training set.</p>}
      {result && (
        <>
          <Sharpness s={result.sharpness} centre={result.centerLoss} samples={result.samples} splitSize={result.splitSize} trainingStep={result.trainingStep} />
          {result.kind === '2d' ? (
            <div className="landscape-views">
              <ContourMap land={result} />
              <Surface3D land={result} />
            </div>
          ) : (
            <SliceChart alphas={result.alphas} series={sliceSeries} xLabel={result.directions === 'trajectory' ? 'α along the training path' : 'α (filter-normalised direction)'} testId="landscape-slice" />
          )}
        </>
      )}
      <ComparePanel />
    </div>
  );
}

function Sharpness({ s, centre, samples, splitSize, trainingStep }: { s?: SharpnessInfo; centre: number; samples: number; splitSize: number; trainingStep?: number }) {
  return (
    <div className="sharpness-card" data-testid="sharpness" data-first-order={s?.firstOrder ?? ''} data-ascent={s?.ascent ?? ''} data-center={centre}>
      <div className="metric">
        <span className="metric__label">centre loss</span>
        <span className="metric__value">{formatLoss(centre)}</span>
      </div>
      {s && (
        <>
          <div className="metric" title="L(w + ε̂) − L(w) at the article's first-order step ε̂ = ρ·g/‖g‖">
            <span className="metric__label">sharpness, first order</span>
            <span className="metric__value">{formatLoss(s.firstOrder)}</span>
          </div>
          <div className="metric" title={`The largest rise found by ${s.ascentPath.length - 1} steps of projected gradient ascent in the ρ-ball`}>
            <span className="metric__label">sharpness, ascent</span>
            <span className="metric__value">{formatLoss(s.ascent)}</span>
          </div>
        </>
      )}
      <p className="muted sharpness-card__note">
        {s ? (
          <>
            max<sub>‖ε‖≤ρ</sub> L(w+ε) − L(w) with ρ = {s.rho} · ‖∇L‖ = {formatLoss(s.gradNorm)} ·{' '}
          </>
        ) : null}
        on {samples === splitSize ? `all ${splitSize.toLocaleString()}` : `${samples.toLocaleString()} of ${splitSize.toLocaleString()}`} training samples
        {trainingStep !== undefined ? ` · weights at step ${trainingStep}, while training` : ''}
      </p>
    </div>
  );
}

function ComparePanel() {
  const app = useApp();
  const analysis = analysisFor(app);
  const runs = useStore(analysis.store, (s) => s.runs);
  const ids = useStore(analysis.store, (s) => s.compareIds);
  const cached = useStore(analysis.store, (s) => s.compare);
  const note = useStore(analysis.store, (s) => s.compareNote);
  const rho = useStore(analysis.store, (s) => s.landscapeSettings.rho);
  const busy = useStore(analysis.store, (s) => s.job?.panel === 'landscape');
  const usable = runs.filter((r) => r.status === 'done' || r.status === 'stopped');
  const [a, b] = ids;
  const canCompare = !!a && !!b && a !== b && !busy;

  const compare = async () => {
    if (!a || !b) return;
    analysis.store.setState({ compareNote: null });
    try {
      const result = await analysis.run('landscape', 'Comparing the runs', 'analysis.compare', { runIds: [a, b], points: 41, rho });
      analysis.store.setState({ compare: { runIds: [a, b], result } });
    } catch (err) {
      analysis.store.setState({ compareNote: wasCancelled(err) ? 'Cancelled.' : describeFailure(err, 'The comparison') });
    }
  };

  return (
    <section className="compare">
      <div className="analysis-subhead">
        <h4>Compare two runs: 1-D slices and sharpness</h4>
      </div>
      {usable.length < 2 ? (
        <p className="muted">Train the graph twice, for example once with SGD and once with SAM switched on in the Training tab, to compare their minima here.</p>
      ) : (
        <div className="analysis-controls">
          {[0, 1].map((k) => (
            <label key={k} className="analysis-field">
              <span>{k === 0 ? 'run A' : 'run B'}</span>
              <select
                value={ids[k] ?? ''}
                data-testid={`compare-run-${k === 0 ? 'a' : 'b'}`}
                onChange={(e) => {
                  const next: [string | null, string | null] = [...ids];
                  next[k] = e.target.value || null;
                  analysis.store.setState({ compareIds: next });
                }}
              >
                <option value="">(choose)</option>
                {usable.map((r) => (
                  <option key={r.runId} value={r.runId}>
                    {r.label}
                  </option>
                ))}
              </select>
            </label>
          ))}
          <button className="primary" disabled={!canCompare} data-testid="compare-button" onClick={() => void compare()}>
            Compare
          </button>
        </div>
      )}
      {note && <p className="notice">{note}</p>}
      {cached && <CompareResult result={cached.result} />}
    </section>
  );
}

function CompareResult({ result }: { result: CompareAnalysis }) {
  const app = useApp();
  const runs = useStore(analysisFor(app).store, (s) => s.runs);
  const labelOf = (id: string) => runs.find((r) => r.runId === id)?.label ?? id;
  const colors = [cssVar('--chart-train', '#2f6fde'), cssVar('--chart-test', '#d9822b'), '#009E73', '#CC79A7'];
  const series = useMemo(() => result.runs.map((r, i) => ({ label: labelOf(r.runId), losses: r.losses, color: colors[i] })), [result, runs]); // eslint-disable-line react-hooks/exhaustive-deps
  const flattest = result.runs.reduce((best, r) => ((r.sharpness?.ascent ?? Infinity) < (best.sharpness?.ascent ?? Infinity) ? r : best), result.runs[0]);
  return (
    <>
      <SliceChart alphas={result.alphas} series={series} xLabel="α (same seeded direction, filter-normalised to each run)" testId="landscape-compare" />
      <table className="compare-table" data-testid="compare-sharpness">
        <thead>
          <tr>
            <th>run</th>
            <th>centre loss</th>
            <th>sharpness, first order</th>
            <th>sharpness, ascent</th>
          </tr>
        </thead>
        <tbody>
          {result.runs.map((r, i) => (
            <tr key={r.runId} data-run={r.runId} data-first-order={r.sharpness?.firstOrder ?? ''} data-ascent={r.sharpness?.ascent ?? ''} className={r === flattest ? 'is-best' : ''}>
              <td>
                <span className="swatch" style={{ background: colors[i] }} />
                {labelOf(r.runId)}
              </td>
              <td>{formatLoss(r.centerLoss)}</td>
              <td>{r.sharpness ? formatLoss(r.sharpness.firstOrder) : '–'}</td>
              <td>{r.sharpness ? formatLoss(r.sharpness.ascent) : '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {result.runs[0]?.sharpness && (
        <p className="muted">
          ρ = {result.runs[0].sharpness.rho}. Lower sharpness: a flatter minimum, where the loss rises less within distance ρ of the weights. {labelOf(flattest.runId)} is the flattest here.
        </p>
      )}
    </>
  );
}

function NumberField({ label, value, min, max, step, testId, onChange }: { label: string; value: number; min: number; max: number; step: number; testId: string; onChange(v: number): void }) {
  const [text, setText] = useState(String(value));
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    setShown(value);
    setText(String(value));
  }
  return (
    <label className="analysis-field">
      <span>{label}</span>
      <input
        type="number"
        min={min}
        max={max}
        step={step}
        value={text}
        data-testid={testId}
        aria-invalid={!(Number(text) >= min && Number(text) <= max)}
        onChange={(e) => {
          setText(e.target.value);
          const v = Number(e.target.value);
          if (e.target.value !== '' && v >= min && v <= max) {
            setShown(v);
            onChange(v);
          }
        }}
      />
    </label>
  );
}
