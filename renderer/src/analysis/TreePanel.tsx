import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { BoundaryGrid, DatasetPreview, TreeAnalysis } from '../../../engine/protocol/messages.js';
import { useApp } from '../app/context.js';
import { describeFailure } from '../engine/errors.js';
import { analysisFor, wasCancelled, type SessionRun } from './analysisStore.js';
import { RegionsView } from './RegionsView.js';
import { TreeDiagram } from './TreeDiagram.js';

/** Networks up to this many weights get their tree as soon as the tab opens. */
const AUTO_BUILD_PARAMETERS = 2000;

const pct = (v: number | null | undefined, digits = 1) => (v === null || v === undefined ? '–' : `${(v * 100).toFixed(digits)} %`);

/** The rules as plain text: one IF … THEN … per leaf, what "Copy" puts on the clipboard. */
export function rulesText(tree: Pick<TreeAnalysis, 'rules' | 'rulesTotal'>): string {
  const lines = tree.rules.map((r, i) => `${i + 1}. IF ${r.conditions.length ? r.conditions.join('\n     AND ') : 'always'}\n   THEN ${r.conclusion}`);
  if (tree.rulesTotal > tree.rules.length) lines.push(`… ${tree.rulesTotal - tree.rules.length} more rules (the command line gives all of them)`);
  return lines.join('\n');
}

/**
 * The network as a decision tree: the exact transformation (every ReLU's sign a test,
 * fidelity 100 %) or C-Net's small univariate tree, as a diagram, as rules, and for 2-D
 * data as regions over the data.
 */
export function TreePanel({ run }: { run: SessionRun }) {
  const app = useApp();
  const analysis = analysisFor(app);
  const method = useStore(analysis.store, (s) => s.treeMethod);
  const limit = useStore(analysis.store, (s) => s.treeLimit);
  const cached = useStore(analysis.store, (s) => s.tree);
  const note = useStore(analysis.store, (s) => s.treeNote);
  const busy = useStore(analysis.store, (s) => s.job?.panel === 'tree');
  const [selected, setSelected] = useState<number | null>(null);
  const [limitText, setLimitText] = useState(String(limit));
  const tree = cached && cached.runId === run.runId && cached.method === method ? cached.result : null;
  const ready = run.status === 'done' || run.status === 'stopped';

  const build = async (m = method, l = limit) => {
    analysis.store.setState({ treeNote: null });
    try {
      const result = await analysis.run('tree', m === 'exact' ? 'Building the exact tree' : 'Fitting the C-Net tree', 'analysis.tree', { runId: run.runId, method: m, ...(m === 'exact' ? { limit: l } : {}) });
      analysis.store.setState({ tree: { runId: run.runId, method: m, limit: l, result } });
      setSelected(null);
    } catch (err) {
      analysis.store.setState({ treeNote: wasCancelled(err) ? 'Cancelled.' : describeFailure(err, 'The decision tree') });
    }
  };

  // A small finished network gets its tree at once; a bigger one waits for the button (its exact tree may be huge).
  const small = run.parameters !== null && run.parameters <= AUTO_BUILD_PARAMETERS;
  useEffect(() => {
    if (ready && small && !tree && !busy && !note) void build();
  }, [run.runId, method, ready]); // eslint-disable-line react-hooks/exhaustive-deps

  const setMethod = (m: 'exact' | 'cnet') => {
    if (m === method) return;
    analysis.store.setState({ treeMethod: m, treeNote: null });
    if (ready && (small || m === 'cnet') && !(cached && cached.runId === run.runId && cached.method === m)) void build(m);
  };

  const applyLimit = (value: number) => {
    setLimitText(String(value));
    analysis.store.setState({ treeLimit: value });
    void build('exact', value);
  };

  return (
    <div className="analysis-section" data-testid="tree-panel">
      <div className="analysis-controls">
        <div className="segmented" role="radiogroup" aria-label="method">
          <button role="radio" aria-checked={method === 'exact'} className={method === 'exact' ? 'is-active' : ''} data-testid="tree-method-exact" onClick={() => setMethod('exact')}>
            Exact tree
          </button>
          <button role="radio" aria-checked={method === 'cnet'} className={method === 'cnet' ? 'is-active' : ''} data-testid="tree-method-cnet" onClick={() => setMethod('cnet')}>
            C-Net
          </button>
        </div>
        {method === 'exact' && (
          <label className="analysis-field">
            <span>node limit</span>
            <input
              type="number"
              min={1}
              max={200000}
              value={limitText}
              data-testid="tree-limit"
              onChange={(e) => setLimitText(e.target.value)}
              onKeyDown={(e) => e.key === 'Enter' && Number(limitText) >= 1 && applyLimit(Math.min(200000, Math.floor(Number(limitText))))}
            />
          </label>
        )}
        <button className="primary" disabled={busy} data-testid="tree-build" onClick={() => void build(method, method === 'exact' ? Math.max(1, Math.min(200000, Math.floor(Number(limitText)) || limit)) : limit)}>
          {tree ? 'Build again' : 'Build tree'}
        </button>
      </div>
      <p className="muted analysis-explain">
        {method === 'exact'
          ? 'Each ReLU unit either passes its input or outputs 0: a yes/no test on a weighted sum of the inputs. Following the tests gives the network exactly, as a tree with a linear model in each leaf.'
          : 'C-Net fits a small C4.5-style tree on the last hidden layer’s outputs, and writes each test back as a rule on the inputs: far smaller, almost as faithful.'}
      </p>
      {!ready && !tree && <p className="muted">The tree is built once the run has finished or been stopped.</p>}
      {ready && !small && !tree && !busy && !note && (
        <p className="muted">
          This network has {run.parameters?.toLocaleString() ?? 'many'} weights: its exact tree can be very large (the node limit stops it). Press “Build tree” when you are ready, or try C-Net first.
        </p>
      )}
      {note && <p className="notice">{note}</p>}
      {tree && <TreeResult tree={tree} run={run} selected={selected} onSelect={setSelected} onRaise={applyLimit} />}
    </div>
  );
}

function TreeResult({ tree, run, selected, onSelect, onRaise }: { tree: TreeAnalysis; run: SessionRun; selected: number | null; onSelect(leaf: number | null): void; onRaise(limit: number): void }) {
  const [copied, setCopied] = useState(false);
  const text = rulesText(tree);
  return (
    <>
      <div className="analysis-metrics">
        <Metric
          label="fidelity"
          sub={tree.method === 'exact' ? `on ${tree.fidelitySamples.toLocaleString()} inputs` : `${tree.fidelitySamples.toLocaleString()} test samples`}
          value={pct(tree.fidelity, tree.fidelity === 1 ? 0 : 1)}
          testId="tree-fidelity"
          data={tree.fidelity}
          title={`The tree predicts what the network predicts on ${pct(tree.fidelity, 2)} of ${tree.fidelitySamples.toLocaleString()} ${tree.method === 'exact' ? 'random inputs in the data’s box' : 'test samples'}`}
        />
        <Metric label="size" sub="tests and leaves" value={tree.size.toLocaleString()} testId="tree-size" data={tree.size} />
        <Metric label="depth" sub="longest path" value={String(tree.depth)} testId="tree-depth" data={tree.depth} />
        <Metric label={tree.method === 'exact' ? 'regions' : 'leaves'} sub={tree.method === 'exact' ? 'linear pieces' : 'rules'} value={tree.regions.toLocaleString()} testId="tree-regions-count" data={tree.regions} />
        <Metric label="accuracy" sub={`network ${pct(tree.networkAccuracy)}`} value={pct(tree.accuracy)} testId="tree-accuracy" data={tree.accuracy ?? ''} title="Accuracy on the test split’s labels: the tree’s, and the network’s below it" />
      </div>
      {tree.method === 'cnet' && tree.cnet && !tree.cnet.exactRules && (
        <p className="muted analysis-explain">
          With several hidden layers a test on H is piecewise linear in the inputs: each rule on the inputs (marked ≈) is the test’s form where most of its examples lie; the tests on H hold everywhere. Fidelity
          with the input rules: {pct(tree.cnet.inputRuleFidelity)}.
        </p>
      )}
      {tree.method === 'exact' && tree.warning && (
        <div className={`notice ${tree.truncated ? 'notice--warning' : ''}`} data-testid="tree-warning">
          <strong>{tree.truncated ? 'The tree is incomplete. ' : ''}</strong>
          {tree.warning}
          {tree.truncated && tree.limit !== null && (
            <div className="notice__actions">
              <button data-testid="tree-raise-limit" onClick={() => onRaise(Math.min(200000, tree.limit! * 4))}>
                Raise the limit to {Math.min(200000, tree.limit * 4).toLocaleString()}
              </button>
            </div>
          )}
        </div>
      )}
      {tree.summary && (
        <p className="notice" data-testid="tree-summary">
          {tree.summary}
        </p>
      )}
      {tree.method === 'exact' && tree.exact && !tree.truncated && (
        <p className="muted analysis-explain">
          {tree.exact.hiddenUnits} hidden units could cut the plane into up to {tree.exact.regionBound === null ? 'astronomically many' : tree.exact.regionBound.toLocaleString()} regions; the data’s box holds {tree.regions.toLocaleString()}.
          {tree.exact.lp.used ? ` ${tree.exact.lp.pruned.toLocaleString()} impossible branches were pruned by linear programming.` : ''}
        </p>
      )}
      <TreeDiagram tree={tree} selected={selected} onSelect={onSelect} />
      <div className={tree.plane ? 'tree-lower tree-lower--plane' : 'tree-lower'}>
        {tree.plane && <PlaneFigure tree={tree} run={run} selected={selected} onSelect={onSelect} />}
        <div className="tree-rules-box">
      <div className="analysis-subhead">
        <h4>
          Rules <span className="muted">({tree.rulesTotal.toLocaleString()})</span>
        </h4>
        <button
          data-testid="tree-copy-rules"
          onClick={() => {
            void navigator.clipboard?.writeText(text).then(
              () => setCopied(true),
              () => setCopied(false),
            );
            setTimeout(() => setCopied(false), 1500);
          }}
        >
          {copied ? 'Copied' : 'Copy rules'}
        </button>
      </div>
      <pre className="tree-rules" data-testid="tree-rules" data-count={tree.rules.length} tabIndex={0}>
        {text}
      </pre>
        </div>
      </div>
    </>
  );
}

function PlaneFigure({ tree, run, selected, onSelect }: { tree: TreeAnalysis; run: SessionRun; selected: number | null; onSelect(leaf: number | null): void }) {
  const app = useApp();
  const [boundary, setBoundary] = useState<BoundaryGrid | null>(null);
  const [preview, setPreview] = useState<DatasetPreview | null>(null);
  useEffect(() => {
    let cancelled = false;
    app.engine.client.request('model.boundary', { runId: run.runId, resolution: 120 }).then((b) => !cancelled && setBoundary(b), () => {});
    app.engine.client.request('dataset.preview', { dataset: run.graph.dataset, limit: 500, seed: run.graph.training?.seed ?? 1 }).then((p) => !cancelled && setPreview(p), () => {});
    return () => {
      cancelled = true;
    };
  }, [app, run.runId]); // eslint-disable-line react-hooks/exhaustive-deps
  const leaf = selected === null ? null : tree.nodes.find((n) => n.id === selected);
  return (
    <figure className="tree-plane">
      <RegionsView plane={tree.plane!} boundary={boundary} preview={preview} selected={selected} onSelect={onSelect} />
      <figcaption>
        {leaf ? (
          <>
            Leaf {leaf.id}: <strong>{tree.classNames[leaf.class ?? 0] ?? leaf.class}</strong>, {leaf.samples} training samples.
          </>
        ) : (
          <>
            {tree.plane!.regions.length} {tree.method === 'exact' ? 'linear regions' : 'leaf regions'} outlined over the network’s decision boundary{tree.plane!.approximate ? ' (approximate: the rules hold in one activation region)' : ''}. Click one to find its leaf.
          </>
        )}
      </figcaption>
    </figure>
  );
}

function Metric({ label, sub, value, testId, data, title }: { label: string; sub: string; value: string; testId: string; data: number | string; title?: string }) {
  return (
    <div className="metric" title={title}>
      <span className="metric__label">{label}</span>
      <span className="metric__value" data-testid={testId} data-value={data}>
        {value}
      </span>
      <span className="metric__sub">{sub}</span>
    </div>
  );
}
