import type { ReactFlowInstance } from '@xyflow/react';
import type { Graph } from '../../../engine/graph/schema.js';
import type { DocStore } from '../doc/docStore.js';
import type { GraphClip } from '../doc/graphEdits.js';
import type { Engine } from '../engine/engineStore.js';
import type { TensorloomPreload } from '../engine/preload.js';
import type { Autosave } from '../files/recovery.js';
import type { WorkspaceFiles } from '../files/workspaceFiles.js';
import type { Trainer } from '../training/trainer.js';
import type { Validation } from '../validation/validationStore.js';
import type { ViewStore } from '../view/viewStore.js';
import type { LoomFlowNode, ShapeFlowEdge } from '../canvas/flowMapping.js';

/**
 * Everything an action or a component may reach, created once in main.tsx. Tests build
 * it with a fake engine, so actions are tested without a browser.
 */
export interface AppServices {
  doc: DocStore;
  view: ViewStore;
  engine: Engine;
  validation: Validation;
  trainer: Trainer;
  autosave: Autosave;
  workspace: WorkspaceFiles;
  preload: TensorloomPreload | null;
  /** Set by the canvas once React Flow is ready. */
  flow: { current: ReactFlowInstance<LoomFlowNode, ShapeFlowEdge> | null };
  clipboard: { current: GraphClip | null; pastes: number };
  /** Where a new node goes when none is given: the centre of the visible canvas. */
  canvasCenter(): { x: number; y: number };
}

export function isTwoD(engine: Engine, graph: Graph): boolean {
  return engine.store.getState().datasets.find((d) => d.name === graph.dataset.name)?.twoD ?? false;
}
