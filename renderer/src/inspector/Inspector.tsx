import { useEffect, useMemo, useRef, useState } from 'react';
import { formatShape } from '../../../engine/shapes/types.js';
import { formatProblem } from '../../../engine/graph/problems.js';
import { useApp, useDoc, useEngineState, useTrain, useValidation, useView } from '../app/context.js';
import { deleteSelection, duplicateSelection } from '../actions/editCommands.js';
import { renameNode, setLabel, setParam } from '../doc/graphEdits.js';
import { groupSlug } from '../canvas/LoomNode.js';
import { Markdown } from '../markdown/Markdown.js';
import { InspectionPanel } from '../inspection/InspectionPanel.js';
import { select } from '../view/viewStore.js';
import { ParamField } from './ParamField.js';
import { createAfterPaint } from './afterPaint.js';
import { LabeledField } from '../shell/LabeledField.js';

/** The selected node's parameters as a form generated from its kind's param specs. */
export function Inspector() {
  const selectedNodes = useView((s) => s.selectedNodes);
  const selectedEdges = useView((s) => s.selectedEdges);
  const ids = [...selectedNodes];
  return (
    <div className="inspector" data-testid="inspector">
      {ids.length === 1 ? <NodeInspector nodeId={ids[0]} /> : ids.length > 1 ? <MultiSelection count={ids.length} /> : selectedEdges.size ? <EdgeSummary /> : <GraphSummary />}
    </div>
  );
}

function NodeInspector({ nodeId }: { nodeId: string }) {
  const app = useApp();
  const node = useDoc((s) => s.graph.nodes.find((n) => n.id === nodeId));
  const kind = useEngineState((s) => (node ? s.kindsByType.get(node.type) : undefined));
  const problems = useValidation((s) => s.view?.nodeProblems.get(nodeId)) ?? [];
  const outputTypes = useValidation((s) => s.view?.outputTypes.get(nodeId));
  const hasRun = useTrain((s) => s.runId !== null && s.graph?.nodes.some((n) => n.id === nodeId) === true);
  if (!node) return <p className="muted">The selected node no longer exists.</p>;
  const mergeKey = (key: string) => `param:${nodeId}:${key}`;

  return (
    <div className="inspector__node">
      <header className={`inspector__header group-${groupSlug(kind?.group)}`}>
        <div className="inspector__title">
          <h2>{node.type}</h2>
          {kind && <span className="chip">{kind.group}</span>}
        </div>
        {kind && <p className="inspector__summary">{kind.summary}</p>}
      </header>
      <IdField nodeId={nodeId} />
      <LabelField key={nodeId} nodeId={nodeId} label={node.label} />
      {problems.length > 0 && (
        <ul className="inspector__problems">
          {problems.map((p, i) => (
            <li key={i} className={`is-${p.severity}`}>
              {p.port || p.param ? <strong>{p.port ?? p.param}: </strong> : null}
              {p.message}
            </li>
          ))}
        </ul>
      )}
      {!kind && <p className="notice">This engine has no node kind “{node.type}”, so its parameters cannot be edited here. Fix the type in the code view.</p>}
      {kind && Object.keys(kind.params).length > 0 && (
        <section className="inspector__section">
          <h3>Parameters</h3>
          {Object.entries(kind.params).map(([key, spec]) => (
            <ParamField
              key={`${nodeId}:${key}`}
              name={key}
              spec={spec}
              value={node.params?.[key]}
              testId={`param-${key}`}
              problem={problems.find((p) => p.param === key)?.message}
              onChange={(value) => app.doc.change(`Set ${key}`, (g) => setParam(g, nodeId, key, value), { mergeKey: mergeKey(key) })}
              onCommit={() => app.doc.seal()}
            />
          ))}
        </section>
      )}
      {kind && (kind.inputs.length > 0 || kind.outputs.length > 0) && (
        <section className="inspector__section">
          <h3>Ports</h3>
          <dl className="ports">
            {kind.inputs.map((p) => (
              <div key={`in-${p.name}`}>
                <dt>
                  <span className="port-dir">in</span> {p.name}
                  {p.optional ? <span className="muted"> (optional)</span> : null}
                </dt>
                <dd>{p.doc}</dd>
              </div>
            ))}
            {kind.outputs.map((p) => (
              <div key={`out-${p.name}`}>
                <dt>
                  <span className="port-dir">out</span> {p.name} {outputTypes?.[p.name] ? <code className="shape">{formatShape(outputTypes[p.name])}</code> : null}
                </dt>
                <dd>{p.doc}</dd>
              </div>
            ))}
          </dl>
        </section>
      )}
      {kind?.doc && (
        <section className="inspector__section">
          <h3>About {kind.type}</h3>
          <Markdown text={kind.doc} className="inspector__doc" />
        </section>
      )}
      {hasRun && <InspectionPanel nodeId={nodeId} />}
    </div>
  );
}

/** The node's display label: shown as typed, written to the document after the paint. */
function LabelField({ nodeId, label }: { nodeId: string; label: string | undefined }) {
  const app = useApp();
  const [text, setText] = useState(label ?? '');
  const focused = useRef(false);
  const later = useMemo(() => createAfterPaint(), []);
  useEffect(() => () => later.flush(), [later]);
  // Undo or the code view may change the label: follow it unless typing here.
  useEffect(() => {
    if (!focused.current) setText(label ?? '');
  }, [label]);
  return (
    <LabeledField id="node-label" label="label">
      <input
        id="node-label"
        type="text"
        value={text}
        placeholder={nodeId}
        onFocus={() => (focused.current = true)}
        onChange={(e) => {
          const value = e.target.value;
          setText(value);
          later.schedule(() => app.doc.change('Rename label', (g) => setLabel(g, nodeId, value), { mergeKey: `label:${nodeId}` }));
        }}
        onBlur={() => {
          focused.current = false;
          later.flush();
          app.doc.seal();
        }}
      />
    </LabeledField>
  );
}

function IdField({ nodeId }: { nodeId: string }) {
  const app = useApp();
  const [text, setText] = useState(nodeId);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setText(nodeId);
    setError(null);
  }, [nodeId]);
  const commit = () => {
    if (text === nodeId) return;
    let problem: string | null = null;
    app.doc.change(`Rename ${nodeId}`, (g) => void (problem = renameNode(g, nodeId, text)));
    if (problem) setError(problem);
    else select(app.view, [text]);
  };
  return (
    <div className={`field${error ? ' has-error' : ''}`}>
      <label className="field__label" htmlFor="node-id">
        id
      </label>
      <input
        id="node-id"
        type="text"
        value={text}
        spellCheck={false}
        onChange={(e) => (setText(e.target.value), setError(null))}
        onBlur={commit}
        onKeyDown={(e) => e.key === 'Enter' && commit()}
      />
      {error && <div className="field__error">{error}</div>}
    </div>
  );
}

function MultiSelection({ count }: { count: number }) {
  const app = useApp();
  return (
    <div className="inspector__empty">
      <h2>{count} nodes selected</h2>
      <div className="button-row">
        <button onClick={() => duplicateSelection(app)}>Duplicate</button>
        <button className="danger" onClick={() => deleteSelection(app)}>
          Delete
        </button>
      </div>
    </div>
  );
}

function EdgeSummary() {
  const app = useApp();
  const key = useView((s) => [...s.selectedEdges][0]);
  const type = useValidation((s) => s.view?.edgeTypes.get(key));
  const problems = useValidation((s) => s.view?.edgeProblems.get(key)) ?? [];
  return (
    <div className="inspector__empty">
      <h2>Edge</h2>
      <p>
        <code>{key}</code>
      </p>
      <p>Carries {type ? <code className="shape">{formatShape(type)}</code> : 'a tensor whose shape is not known yet'}.</p>
      {problems.map((p, i) => (
        <p key={i} className="field__error">
          {formatProblem(p)}
        </p>
      ))}
      <button className="danger" onClick={() => deleteSelection(app)}>
        Delete edge
      </button>
    </div>
  );
}

function GraphSummary() {
  const app = useApp();
  const graph = useDoc((s) => s.graph);
  const parameters = useValidation((s) => s.view?.parameters ?? null);
  return (
    <div className="inspector__empty">
      <LabeledField id="graph-title" label="title">
        <input
          id="graph-title"
          type="text"
          value={graph.meta?.title ?? ''}
          placeholder="Untitled"
          onChange={(e) =>
            app.doc.change(
              'Set title',
              (g) => {
                g.meta ??= {};
                g.meta.title = e.target.value;
              },
              { mergeKey: 'title' },
            )
          }
          onBlur={() => app.doc.seal()}
        />
      </LabeledField>
      <LabeledField id="graph-description" label="description">
        <textarea
          id="graph-description"
          rows={3}
          value={graph.meta?.description ?? ''}
          onChange={(e) =>
            app.doc.change(
              'Set description',
              (g) => {
                g.meta ??= {};
                g.meta.description = e.target.value;
              },
              { mergeKey: 'description' },
            )
          }
          onBlur={() => app.doc.seal()}
        />
      </LabeledField>
      <p className="muted">
        {graph.nodes.length} nodes · {graph.edges.length} edges{parameters !== null ? ` · ${parameters.toLocaleString()} parameters` : ''}
      </p>
      <p className="muted">Select a node to edit its parameters. Shift-click or Shift-drag selects several.</p>
    </div>
  );
}
