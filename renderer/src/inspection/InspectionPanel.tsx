import { useEffect, useState } from 'react';
import type { NodeInspection } from '../../../engine/protocol/messages.js';
import { useApp, useTrain } from '../app/context.js';
import { describeFailure } from '../engine/errors.js';
import { Heatmap } from '../charts/Heatmap.js';
import { Histogram } from '../charts/Histogram.js';

/**
 * After (or during) a run: what the selected node computes on one sample, how its
 * outputs spread over a batch, its weights, and for MoE/Script nodes the routing.
 */
export function InspectionPanel({ nodeId }: { nodeId: string }) {
  const app = useApp();
  const runId = useTrain((s) => s.runId);
  const status = useTrain((s) => s.status);
  const epoch = useTrain((s) => s.epoch);
  const liveRouting = useTrain((s) => s.routing?.[nodeId] ?? null);
  const [sample, setSample] = useState(0);
  const [result, setResult] = useState<NodeInspection | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  // A run stopped by NaN keeps the weights of its last good step: worth looking into.
  const keptWeights = useTrain((s) => s.status === 'error' && s.error?.code === 'nan');
  const ready = status === 'done' || status === 'stopped' || status === 'running' || keptWeights;

  useEffect(() => {
    if (!runId || !ready) return;
    let cancelled = false;
    setLoading(true);
    app.engine.client
      .request('model.inspect', { runId, nodeId, sample })
      .then((r) => !cancelled && (setResult(r), setNote(null)))
      .catch((err) => !cancelled && (setResult(null), setNote(describeFailure(err, 'Inspecting this node'))))
      .finally(() => !cancelled && setLoading(false));
    return () => {
      cancelled = true;
    };
    // Refresh each epoch while training, so the views follow the weights.
  }, [app, runId, nodeId, sample, ready, status === 'running' ? epoch : -1]); // eslint-disable-line react-hooks/exhaustive-deps

  return (
    <section className="inspector__section inspection" data-testid="inspection">
      <h3>
        Inside the trained model {loading ? <span className="muted">· loading…</span> : null}
      </h3>
      {!ready && <p className="muted">Available once training has started.</p>}
      <div className="field field--inline">
        <label className="field__label" htmlFor="inspect-sample">
          sample
        </label>
        <input id="inspect-sample" type="number" min={0} value={sample} onChange={(e) => setSample(Math.max(0, Math.floor(Number(e.target.value) || 0)))} />
      </div>
      {note && <p className="notice">{note}</p>}
      {result && (
        <>
          {Object.entries(result.sample).map(([port, t]) => (
            <Heatmap key={port} label={`output ${port} on sample ${sample}`} values={t.values} shape={t.shape} />
          ))}
          {result.histogram && <Histogram label="outputs over a batch" counts={result.histogram.counts} min={result.histogram.min} max={result.histogram.max} />}
          {result.routing &&
            (result.functionRouting ? (
              <Histogram label="elements routed to each function (this batch)" counts={result.routing} labels={result.routing.map((_, i) => `function ${i}`)} />
            ) : (
              <Histogram label="tokens routed to each expert (this batch)" counts={result.routing} labels={result.routing.map((_, i) => `expert ${i}`)} />
            ))}
          {result.functionRouting && (
            <Heatmap
              label="compatibility of each function (rows) with each element (columns) on this sample"
              values={result.functionRouting.flat()}
              shape={[result.functionRouting.length, result.functionRouting[0]?.length ?? 0]}
            />
          )}
          {Object.entries(result.weights).map(([name, w]) => (
            <div key={name} className="inspection__weight">
              <Heatmap label={`weight ${name}${w.truncated ? ` (first ${w.values.length.toLocaleString()} values)` : ""}`} values={w.values} shape={w.truncated ? shownRows(w.shape, w.values.length) : w.shape} />
              <Histogram label={`${name} values`} counts={w.histogram.counts} min={w.histogram.min} max={w.histogram.max} />
            </div>
          ))}
          {Object.keys(result.weights).length === 0 && Object.keys(result.sample).length > 0 && <p className="muted">This node has no weights.</p>}
        </>
      )}
      {!result?.routing && liveRouting && <Histogram label="tokens per expert (latest step)" counts={liveRouting} labels={liveRouting.map((_, i) => `expert ${i}`)} />}
    </section>
  );
}

/** A cut-off weight shows the whole rows it has: [rows that fit, last axis]. */
function shownRows(shape: number[], count: number): number[] {
  const cols = shape[shape.length - 1] ?? 1;
  return [Math.max(1, Math.floor(count / cols)), cols];
}
