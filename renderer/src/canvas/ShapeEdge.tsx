import { memo } from 'react';
import { BaseEdge, EdgeLabelRenderer, getBezierPath, type EdgeProps } from '@xyflow/react';
import { formatShape } from '../../../engine/shapes/types.js';
import type { ShapeFlowEdge } from './flowMapping.js';

/** An edge labelled with the shape of the tensor it carries, as inferred by the engine. */
function ShapeEdgeView(props: EdgeProps<ShapeFlowEdge>) {
  const { id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, selected, markerEnd } = props;
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  const type = data?.type ?? null;
  const problems = data?.problems ?? [];
  const text = type ? formatShape(type) : '?';
  const className = ['edge-shape', type ? '' : 'is-unknown', problems.length ? 'has-error' : '', selected ? 'is-selected' : '', data?.stale ? 'is-stale' : '']
    .filter(Boolean)
    .join(' ');
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} className={problems.length ? 'edge-path has-error' : 'edge-path'} interactionWidth={24} />
      <EdgeLabelRenderer>
        <div
          className={className}
          style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
          data-testid="edge-shape"
          data-edge={id}
          title={problems.length ? problems.map((p) => p.message).join('\n') : type ? `${type.dtype} tensor ${text}` : 'shape unknown until the inputs are connected and valid'}
        >
          {text}
        </div>
      </EdgeLabelRenderer>
    </>
  );
}

export const ShapeEdge = memo(ShapeEdgeView);
