import { memo } from 'react';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { formatShape } from '../../../engine/shapes/types.js';
import { formatProblem, type Problem } from '../../../engine/graph/problems.js';
import type { GraphNode } from '../../../engine/graph/schema.js';
import type { NodeKindInfo } from '../../../engine/protocol/messages.js';
import { useDoc, useValidation } from '../app/context.js';
import { nodeById } from '../doc/ids.js';
import type { LoomFlowNode } from './flowMapping.js';

const NO_PROBLEMS: Problem[] = [];

export const groupSlug = (group: string | undefined) => (group ?? 'unknown').toLowerCase().replace(/\s+/g, '-');

/** Ports named "in"/"out" on a node with one port per side need no label. */
function showPortNames(ports: { name: string }[], plain: string): boolean {
  return ports.length > 1 || (ports.length === 1 && ports[0].name !== plain);
}

/**
 * A few parameter values on the node itself, so the graph reads without clicking: the
 * ones set in the file, and the kind's first whole-number parameter (a layer's width)
 * even at its default. Defaults like bias: true or labelSmoothing: 0 stay off the node.
 */
export function paramSummary(data: { kind: NodeKindInfo | undefined; node: GraphNode }): { key: string; value: string; set: boolean }[] {
  const specs = Object.entries(data.kind?.params ?? {});
  const given = data.node.params ?? {};
  const first = specs[0];
  return specs
    .filter(([key, spec]) => given[key] !== undefined || (first?.[0] === key && spec.kind === 'int'))
    .slice(0, 3)
    .map(([key, spec]) => ({ key, value: String(given[key] ?? spec.default), set: given[key] !== undefined }));
}

/**
 * A node on the canvas. React Flow gives it the id, position data and selection; the
 * node's own subscriptions give it its parameters and label (the document) and its
 * problems and shapes (validation), so typing in the inspector re-renders this node
 * alone and leaves React Flow's node list as it was.
 */
function LoomNodeView({ id, data, selected }: NodeProps<LoomFlowNode>) {
  const node = useDoc((s) => nodeById(s.graph, id)) ?? { id, type: data.type };
  const problems = useValidation((s) => s.view?.nodeProblems.get(id)) ?? NO_PROBLEMS;
  const outputTypes = useValidation((s) => s.view?.outputTypes.get(id));
  const { kind } = data;
  const inputs: { name: string; doc: string; optional?: boolean }[] = kind?.inputs ?? data.guessedPorts?.inputs.map((name) => ({ name, doc: 'port of an unknown node kind' })) ?? [];
  const outputs = kind?.outputs ?? data.guessedPorts?.outputs.map((name) => ({ name, doc: 'port of an unknown node kind' })) ?? [];
  const rows = Math.max(inputs.length, outputs.length);
  const errors = problems.filter((p) => p.severity === 'error');
  const warnings = problems.filter((p) => p.severity === 'warning');
  const labelIn = showPortNames(inputs, 'in');
  const labelOut = showPortNames(outputs, 'out');
  const params = paramSummary({ kind, node });
  const className = [
    'loom-node',
    `group-${groupSlug(kind?.group)}`,
    errors.length ? 'has-error' : warnings.length ? 'has-warning' : '',
    selected ? 'is-selected' : '',
    kind?.role === 'loss' ? 'is-loss' : '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <div className={className} data-testid={`node-${id}`} data-node-type={node.type} data-errors={errors.length}>
      <div className="loom-node__header">
        <span className="loom-node__type">{node.type}</span>
        {errors.length > 0 && (
          <span className="loom-node__badge" aria-label={`${errors.length} problem${errors.length > 1 ? 's' : ''}`}>
            !
          </span>
        )}
      </div>
      <div className="loom-node__id" title={node.label ? `id ${id}` : undefined}>
        {node.label ?? id}
      </div>
      {params.length > 0 && (
        <div className="loom-node__params">
          {params.map((p) => (
            <span key={p.key} className={p.set ? 'param is-set' : 'param'}>
              <span className="param__key">{p.key}</span> {p.value}
            </span>
          ))}
        </div>
      )}
      <div className="loom-node__ports">
        {Array.from({ length: rows }, (_, i) => {
          const input = inputs[i];
          const output = outputs[i];
          const outType = output && outputTypes?.[output.name];
          return (
            <div className="loom-node__port-row" key={i}>
              <div className="port port--in">
                {input && (
                  <>
                    <Handle type="target" position={Position.Left} id={input.name} className="loom-handle" data-testid={`handle-${id}-in-${input.name}`} title={`${input.name}: ${input.doc}`} />
                    {labelIn && <span className={input.optional ? 'port__name is-optional' : 'port__name'}>{input.name}</span>}
                  </>
                )}
              </div>
              <div className="port port--out">
                {output && (
                  <>
                    {labelOut && <span className="port__name">{output.name}</span>}
                    <Handle type="source" position={Position.Right} id={output.name} className="loom-handle" data-testid={`handle-${id}-out-${output.name}`} title={`${output.name}${outType ? ` ${formatShape(outType)}` : ''}: ${output.doc}`} />
                  </>
                )}
              </div>
            </div>
          );
        })}
      </div>
      {!kind && <div className="loom-node__unknown">Unknown node type</div>}
      {problems.length > 0 && (
        <div className="loom-node__problems" role="tooltip" data-testid={`node-problems-${id}`}>
          {problems.map((p, i) => (
            <div key={i} className={`problem-line is-${p.severity}`}>
              {p.port ? <strong>{p.port}: </strong> : null}
              {p.port ? p.message : formatProblem({ ...p, nodeId: undefined })}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

export const LoomNode = memo(LoomNodeView);
