import { memo, useContext } from 'react';
import { createPortal } from 'react-dom';
import { BaseEdge, getBezierPath, type EdgeProps } from '@xyflow/react';
import { formatShape } from '../../../engine/shapes/types.js';
import type { Problem } from '../../../engine/graph/problems.js';
import { useValidation } from '../app/context.js';
import type { ShapeFlowEdge } from './flowMapping.js';
import { EdgeSheet } from './edgeSheet.js';
import { LabelLayer } from './labelLayer.js';

const NO_PROBLEMS: Problem[] = [];

/**
 * An edge labelled with the shape of the tensor it carries, as inferred by the engine.
 * The shape and problems come from the validation store by the edge's key, so a new
 * answer re-renders the edges it changed and leaves React Flow's edge list alone.
 */
function ShapeEdgeView(props: EdgeProps<ShapeFlowEdge>) {
  const layer = useContext(LabelLayer);
  const sheet = useContext(EdgeSheet);
  const { id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, selected, markerEnd } = props;
  const type = useValidation((s) => s.view?.edgeTypes.get(id)) ?? null;
  const problems = useValidation((s) => s.view?.edgeProblems.get(id)) ?? NO_PROBLEMS;
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  const text = type ? formatShape(type) : '?';
  const className = ['edge-shape', type ? '' : 'is-unknown', problems.length ? 'has-error' : '', selected ? 'is-selected' : '']
    .filter(Boolean)
    .join(' ');
  const line = <BaseEdge id={id} path={path} markerEnd={markerEnd} className={problems.length ? 'edge-path has-error' : 'edge-path'} interactionWidth={24} />;
  return (
    <>
      {sheet
        ? createPortal(
            <g className={selected ? 'sheet-edge is-selected' : 'sheet-edge'} data-edge={id}>
              {line}
            </g>,
            sheet,
          )
        : line}
      {layer &&
        createPortal(
          // Centred on the edge's midpoint by a zero-size flex box placed with left/top rather
          // than by a transform: a thousand transformed labels made every frame re-layer them.
          <div style={{ position: 'absolute', left: labelX, top: labelY, width: 0, height: 0, display: 'flex', alignItems: 'center', justifyContent: 'center' }}>
            <div
              className={className}
              style={{ position: 'static', flex: 'none' }}
              data-testid="edge-shape"
              data-edge={id}
              title={problems.length ? problems.map((p) => p.message).join('\n') : type ? `${type.dtype} tensor ${text}` : 'shape unknown until the inputs are connected and valid'}
            >
              {text}
            </div>
          </div>,
          layer,
        )}
    </>
  );
}

export const ShapeEdge = memo(ShapeEdgeView);
