import { createPortal } from 'react-dom';
import { useCallback, useDeferredValue, useEffect, useLayoutEffect, useMemo, useRef, useState, type DragEvent, type MouseEvent } from 'react';
import {
  Background,
  BackgroundVariant,
  ControlButton,
  Controls,
  MiniMap,
  Panel,
  ReactFlow,
  type Connection as FlowConnection,
  type EdgeChange,
  type Node,
  type ReactFlowInstance,
  type NodeChange,
  useStore as useFlowStore,
} from '@xyflow/react';
import { useApp, useDoc, useEngineState, useValidation, useView } from '../app/context.js';
import { addNodeOfType } from '../actions/editCommands.js';
import { connect, moveNodes, type Position } from '../doc/graphEdits.js';
import { select } from '../view/viewStore.js';
import { ContextMenu } from './ContextMenu.js';
import { FlowMapper, type LoomFlowNode, type ShapeFlowEdge } from './flowMapping.js';
import { groupSlug, LoomNode } from './LoomNode.js';
import { ShapeEdge } from './ShapeEdge.js';
import { fitReadable } from './fitReadable.js';
import { EdgeSheet } from './edgeSheet.js';
import { LabelLayer } from './labelLayer.js';

const nodeTypes = { loom: LoomNode };
const edgeTypes = { shape: ShapeEdge };
export const KIND_MIME = 'application/x-tensorloom-kind';
/**
 * Graphs larger than this render only the nodes and edges in view: with a thousand of
 * each, styling, layering and hit-testing the whole DOM costs more than a frame. Small
 * graphs keep every element in the DOM (tests and screen readers find them all).
 */
const VIRTUALIZE_ABOVE = 200;
/**
 * Larger graphs start without the minimap: it draws every node and redraws on every
 * frame of a drag, which alone cost dragging its 60 fps. A canvas button brings it back.
 */
const MINIMAP_UP_TO = 300;
/**
 * Below this zoom node and edge text is a few pixels high: the canvas draws nodes in
 * less detail (no port names, parameters, shadows or shape labels), which keeps a
 * zoomed-out view of hundreds of nodes fluid. The layout stays, so nothing moves.
 */
const DETAIL_ZOOM = 0.4;
const zoomedOut = (s: { transform: [number, number, number] }) => s.transform[2] < DETAIL_ZOOM;
const MULTI_SELECT_KEYS = ['Shift', 'Meta', 'Control'];
const DEFAULT_VIEWPORT = { x: 40, y: 40, zoom: 1 };
const EDGE_OPTIONS = { type: 'shape' };
const PRO_OPTIONS = { hideAttribution: false };
const isValidConnection = (c: { source: string; target: string }) => c.source !== c.target;
const minimapClass = (n: Node) => `minimap-node group-${groupSlug((n as LoomFlowNode).data.kind?.group)}`;

/**
 * The graph canvas. React Flow is controlled: its nodes and edges are derived from the
 * document, and every change it reports goes back through a store action (moves and
 * connections to the undoable document, selection and sizes to the view state).
 */
export function Canvas() {
  const app = useApp();
  const liveGraph = useDoc((s) => s.graph);
  // Edits from elsewhere (typing in the inspector, an undo) reach the node list in a
  // deferred render: the keystroke paints first, the thousand-node canvas follows. A drag
  // is the canvas's own edit and is shown at once. Validation answers do not pass here:
  // nodes and edges read their problems and shapes themselves (LoomNode, ShapeEdge).
  const [dragging, setDragging] = useState(false);
  const deferredGraph = useDeferredValue(liveGraph);
  const graph = dragging ? liveGraph : deferredGraph;
  const kinds = useEngineState((s) => s.kindsByType);
  const selectedNodes = useView((s) => s.selectedNodes);
  const selectedEdges = useView((s) => s.selectedEdges);
  const measured = useView((s) => s.measured);
  // Shapes are taking a while to infer for the last edit: shown on the label layer below,
  // not by changing every edge (which re-indexed a thousand edges twice per keystroke).
  const stale = useValidation((s) => s.slow);
  const far = useFlowStore(zoomedOut);
  const large = graph.nodes.length > MINIMAP_UP_TO;
  // null: the default for the graph's size; a choice made with the button sticks.
  const [minimapChoice, setMinimapChoice] = useState<boolean | null>(null);
  const showMinimap = minimapChoice ?? !large;
  const mapper = useMemo(() => new FlowMapper(), []);
  const dragId = useRef(0);
  const root = useRef<HTMLDivElement>(null);
  const [labelLayer, setLabelLayer] = useState<HTMLElement | null>(null);
  const [edgeLayer, setEdgeLayer] = useState<HTMLElement | null>(null);
  const [edgeSheet, setEdgeSheet] = useState<SVGSVGElement | null>(null);
  useLayoutEffect(() => {
    // Looked up again only when React Flow replaced them, not on every frame of a drag.
    if (!labelLayer?.isConnected) setLabelLayer(root.current?.querySelector<HTMLElement>('.react-flow__edgelabel-renderer') ?? null);
    if (!edgeLayer?.isConnected) setEdgeLayer(root.current?.querySelector<HTMLElement>('.react-flow__edges') ?? null);
  });
  // Shape labels dim, all at once on their layer, while shapes take a while to re-infer
  // (`slow` is not set for the quick answers of every keystroke: fading a thousand labels
  // in and out after each one kept the canvas repainting while typing).
  useEffect(() => {
    if (!labelLayer) return;
    labelLayer.style.transition = 'opacity 0.15s';
    labelLayer.style.opacity = stale ? '0.6' : '';
  }, [labelLayer, stale]);

  const input = { graph, kinds, selectedNodes, selectedEdges, measured };
  const nodes = useMemo(() => mapper.nodes(input), [mapper, graph, kinds, selectedNodes, measured]); // eslint-disable-line react-hooks/exhaustive-deps
  const edges = useMemo(() => mapper.edges(input), [mapper, graph, kinds, selectedEdges]); // eslint-disable-line react-hooks/exhaustive-deps

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

  // Every prop handed to React Flow keeps its identity across renders: React Flow copies
  // changed props into its store, and each store update runs a selector per node and
  // edge (a thousand of each in a large graph), and new callbacks re-render every edge.
  const handlers = useMemo(() => {
    const openMenu = (event: { clientX: number; clientY: number }, target: 'node' | 'edge' | 'pane') => {
      const at = app.flow.current?.screenToFlowPosition({ x: event.clientX, y: event.clientY }) ?? { x: 0, y: 0 };
      app.view.setState({ contextMenu: { x: event.clientX, y: event.clientY, target, at } });
    };
    return {
      onNodeDragStart: () => {
        dragId.current += 1;
        setDragging(true);
      },
      onNodeDragStop: () => {
        app.doc.seal();
        setDragging(false);
      },
      onInit: (instance: ReactFlowInstance<LoomFlowNode, ShapeFlowEdge>) => {
        app.flow.current = instance;
        if (app.doc.get().graph.nodes.length) setTimeout(() => fitReadable(instance, document.querySelector('[data-testid="canvas"]')), 60);
      },
      onNodeContextMenu: (event: MouseEvent, node: LoomFlowNode) => {
        event.preventDefault();
        // Right-clicking outside the selection acts on that node alone, as file managers do.
        if (!app.view.getState().selectedNodes.has(node.id)) select(app.view, [node.id]);
        openMenu(event, 'node');
      },
      onEdgeContextMenu: (event: MouseEvent, edge: ShapeFlowEdge) => {
        event.preventDefault();
        select(app.view, [], [edge.id]);
        openMenu(event, 'edge');
      },
      onPaneContextMenu: (event: MouseEvent | globalThis.MouseEvent) => {
        event.preventDefault();
        openMenu(event, 'pane');
      },
    };
  }, [app]);

  const onDragOver = useCallback((event: DragEvent) => {
    if (event.dataTransfer.types.includes(KIND_MIME)) {
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
    }
  }, []);

  return (
    <div
      className={['canvas', far ? 'is-far' : '', dragging ? 'is-dragging' : ''].filter(Boolean).join(' ')}
      data-testid="canvas"
      data-detail={far ? 'low' : 'full'}
      onDrop={onDrop}
      onDragOver={onDragOver}
      ref={root}
    >
      {/* Zoomed out, edges draw into this one <svg> beneath React Flow's (edgeSheet.ts). */}
      {far && edgeLayer && createPortal(<svg className="edge-sheet" ref={setEdgeSheet} data-testid="edge-sheet" />, edgeLayer)}
      <EdgeSheet.Provider value={far ? edgeSheet : null}>
        <LabelLayer.Provider value={labelLayer}>
          <ReactFlow<LoomFlowNode, ShapeFlowEdge>
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            edgeTypes={edgeTypes}
            onNodesChange={onNodesChange}
            onEdgesChange={onEdgesChange}
            onConnect={onConnect}
            onNodeDragStart={handlers.onNodeDragStart}
            onNodeDragStop={handlers.onNodeDragStop}
            onInit={handlers.onInit}
            onNodeContextMenu={handlers.onNodeContextMenu}
            onEdgeContextMenu={handlers.onEdgeContextMenu}
            onPaneContextMenu={handlers.onPaneContextMenu}
            isValidConnection={isValidConnection}
            onlyRenderVisibleElements={graph.nodes.length > VIRTUALIZE_ABOVE}
            deleteKeyCode={null}
            panActivationKeyCode={null}
            selectionKeyCode="Shift"
            multiSelectionKeyCode={MULTI_SELECT_KEYS}
            zoomActivationKeyCode={null}
            minZoom={0.15}
            maxZoom={2.5}
            defaultViewport={DEFAULT_VIEWPORT}
            connectionRadius={28}
            defaultEdgeOptions={EDGE_OPTIONS}
            proOptions={PRO_OPTIONS}
          >
            <Background variant={BackgroundVariant.Dots} gap={22} size={1.6} />
            {showMinimap && <MiniMap pannable zoomable className="minimap" nodeClassName={minimapClass} nodeBorderRadius={6} />}
            <Controls showInteractive={false} position="bottom-left">
              <ControlButton onClick={() => app.view.setState({ modal: { kind: 'add-node' } })} title="Add a node (/)" aria-label="Add a node">
                +
              </ControlButton>
              <ControlButton
                className={showMinimap ? 'minimap-toggle is-on' : 'minimap-toggle'}
                onClick={() => setMinimapChoice(!showMinimap)}
                title={
                  showMinimap
                    ? 'Hide the minimap'
                    : `Show the minimap${large ? ` (off for graphs of more than ${MINIMAP_UP_TO} nodes: it slows down dragging)` : ''}`
                }
                aria-label={showMinimap ? 'Hide the minimap' : 'Show the minimap'}
                aria-pressed={showMinimap}
                data-testid="minimap-toggle"
              >
                ▣
              </ControlButton>
            </Controls>
            {far && (
              <Panel position="top-center" className="canvas-hint" data-testid="detail-hint">
                Zoomed out: zoom in to see ports, parameters and shapes
              </Panel>
            )}
            {large && minimapChoice === null && (
              <Panel position="bottom-right" className="canvas-hint" data-testid="minimap-off">
                Minimap off above {MINIMAP_UP_TO} nodes (it slows dragging)
                <button className="link-button" onClick={() => setMinimapChoice(true)}>
                  Show
                </button>
              </Panel>
            )}
          </ReactFlow>
        </LabelLayer.Provider>
      </EdgeSheet.Provider>
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
