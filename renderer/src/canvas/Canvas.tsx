import { useCallback, useMemo, useRef, type DragEvent } from 'react';
import {
  Background,
  BackgroundVariant,
  ControlButton,
  Controls,
  MiniMap,
  ReactFlow,
  type Connection as FlowConnection,
  type EdgeChange,
  type NodeChange,
} from '@xyflow/react';
import { useApp, useDoc, useEngineState, useValidation, useView } from '../app/context.js';
import { addNodeOfType } from '../actions/editCommands.js';
import { connect, moveNodes, type Position } from '../doc/graphEdits.js';
import { EMPTY_VIEW } from '../validation/validationStore.js';
import { select } from '../view/viewStore.js';
import { ContextMenu } from './ContextMenu.js';
import { FlowMapper, type LoomFlowNode, type ShapeFlowEdge } from './flowMapping.js';
import { groupSlug, LoomNode } from './LoomNode.js';
import { ShapeEdge } from './ShapeEdge.js';
import { fitReadable } from './fitReadable.js';

const nodeTypes = { loom: LoomNode };
const edgeTypes = { shape: ShapeEdge };
export const KIND_MIME = 'application/x-tensorloom-kind';

/**
 * The graph canvas. React Flow is controlled: its nodes and edges are derived from the
 * document, and every change it reports goes back through a store action (moves and
 * connections to the undoable document, selection and sizes to the view state).
 */
export function Canvas() {
  const app = useApp();
  const graph = useDoc((s) => s.graph);
  const kinds = useEngineState((s) => s.kindsByType);
  const selectedNodes = useView((s) => s.selectedNodes);
  const selectedEdges = useView((s) => s.selectedEdges);
  const measured = useView((s) => s.measured);
  const validation = useValidation((s) => s.view) ?? EMPTY_VIEW;
  const stale = useValidation((s) => s.pending);
  const mapper = useMemo(() => new FlowMapper(), []);
  const dragId = useRef(0);

  const input = { graph, kinds, selectedNodes, selectedEdges, measured, validation, stale };
  const nodes = useMemo(() => mapper.nodes(input), [mapper, graph, kinds, selectedNodes, measured, validation]); // eslint-disable-line react-hooks/exhaustive-deps
  const edges = useMemo(() => mapper.edges(input), [mapper, graph, kinds, selectedEdges, validation, stale]); // eslint-disable-line react-hooks/exhaustive-deps

  const onNodesChange = useCallback(
    (changes: NodeChange<LoomFlowNode>[]) => {
      const moved: Record<string, Position> = {};
      let sizes: Record<string, { width: number; height: number }> | null = null;
      let selection: Set<string> | null = null;
      for (const c of changes) {
        if (c.type === 'position' && c.position) moved[c.id] = c.position;
        else if (c.type === 'dimensions' && c.dimensions) {
          const old = app.view.getState().measured[c.id];
          if (!old || old.width !== c.dimensions.width || old.height !== c.dimensions.height) {
            sizes ??= { ...app.view.getState().measured };
            sizes[c.id] = c.dimensions;
          }
        } else if (c.type === 'select') {
          selection ??= new Set(app.view.getState().selectedNodes);
          if (c.selected) selection.add(c.id);
          else selection.delete(c.id);
        }
      }
      if (Object.keys(moved).length) {
        const n = Object.keys(moved).length;
        app.doc.change(n === 1 ? 'Move node' : `Move ${n} nodes`, (g) => moveNodes(g, moved), { mergeKey: `drag-${dragId.current}` });
      }
      if (sizes) app.view.setState({ measured: sizes });
      if (selection) app.view.setState({ selectedNodes: selection });
    },
    [app],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange<ShapeFlowEdge>[]) => {
      let selection: Set<string> | null = null;
      for (const c of changes) {
        if (c.type !== 'select') continue;
        selection ??= new Set(app.view.getState().selectedEdges);
        if (c.selected) selection.add(c.id);
        else selection.delete(c.id);
      }
      if (selection) app.view.setState({ selectedEdges: selection });
    },
    [app],
  );

  const onConnect = useCallback(
    (c: FlowConnection) => {
      if (!c.sourceHandle || !c.targetHandle) return;
      app.doc.change(`Connect ${c.source} → ${c.target}`, (g) =>
        connect(g, { source: c.source, sourcePort: c.sourceHandle!, target: c.target, targetPort: c.targetHandle! }, app.engine.lookup),
      );
    },
    [app],
  );

  const onDrop = useCallback(
    (event: DragEvent) => {
      const type = event.dataTransfer.getData(KIND_MIME);
      if (!type || !app.flow.current) return;
      event.preventDefault();
      const p = app.flow.current.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      // The pointer holds the node by its header, not its corner.
      addNodeOfType(app, type, { x: p.x - 80, y: p.y - 20 });
    },
    [app],
  );

  const openMenu = (event: { clientX: number; clientY: number }, target: 'node' | 'edge' | 'pane') => {
    const at = app.flow.current?.screenToFlowPosition({ x: event.clientX, y: event.clientY }) ?? { x: 0, y: 0 };
    app.view.setState({ contextMenu: { x: event.clientX, y: event.clientY, target, at } });
  };

  const onDragOver = useCallback((event: DragEvent) => {
    if (event.dataTransfer.types.includes(KIND_MIME)) {
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
    }
  }, []);

  return (
    <div className="canvas" data-testid="canvas" onDrop={onDrop} onDragOver={onDragOver}>
      <ReactFlow<LoomFlowNode, ShapeFlowEdge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onNodeDragStart={() => {
          dragId.current += 1;
        }}
        onNodeDragStop={() => app.doc.seal()}
        onInit={(instance) => {
          app.flow.current = instance;
          if (graph.nodes.length) setTimeout(() => fitReadable(instance, document.querySelector('[data-testid="canvas"]')), 60);
        }}
        onNodeContextMenu={(event, node) => {
          event.preventDefault();
          // Right-clicking outside the selection acts on that node alone, as file managers do.
          if (!app.view.getState().selectedNodes.has(node.id)) select(app.view, [node.id]);
          openMenu(event, 'node');
        }}
        onEdgeContextMenu={(event, edge) => {
          event.preventDefault();
          select(app.view, [], [edge.id]);
          openMenu(event, 'edge');
        }}
        onPaneContextMenu={(event) => {
          event.preventDefault();
          openMenu(event, 'pane');
        }}
        isValidConnection={(c) => c.source !== c.target}
        deleteKeyCode={null}
        panActivationKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={['Shift', 'Meta', 'Control']}
        zoomActivationKeyCode={null}
        minZoom={0.15}
        maxZoom={2.5}
        defaultViewport={{ x: 40, y: 40, zoom: 1 }}
        connectionRadius={28}
        defaultEdgeOptions={{ type: 'shape' }}
        proOptions={{ hideAttribution: false }}
      >
        <Background variant={BackgroundVariant.Dots} gap={22} size={1.6} />
        <MiniMap pannable zoomable className="minimap" nodeClassName={(n) => `minimap-node group-${groupSlug((n as LoomFlowNode).data.kind?.group)}`} nodeBorderRadius={6} />
        <Controls showInteractive={false} position="bottom-left">
          <ControlButton onClick={() => app.view.setState({ modal: { kind: 'add-node' } })} title="Add a node (/)" aria-label="Add a node">
            +
          </ControlButton>
        </Controls>
      </ReactFlow>
      <ContextMenu />
      {graph.nodes.length === 0 && (
        <div className="canvas-empty">
          <h2>Start a network</h2>
          <p>
            Drag nodes from the palette, or press <kbd>/</kbd> to search and add one.
          </p>
          <p>
            Or open a worked example from <button className="link-button" onClick={() => app.view.setState({ modal: { kind: 'templates' } })}>Templates</button>.
          </p>
        </div>
      )}
    </div>
  );
}
