import type { Transport } from '../../../engine/protocol/client.js';
import { createDocStore } from '../doc/docStore.js';
import { createEngine } from '../engine/engineStore.js';
import type { TensorloomPreload } from '../engine/preload.js';
import { createAutosave } from '../files/recovery.js';
import { workspaceFiles } from '../files/workspaceFiles.js';
import { createTrainer } from '../training/trainer.js';
import { createValidation } from '../validation/validationStore.js';
import { createViewStore, type ThemeChoice } from '../view/viewStore.js';
import { isTwoD, type AppServices } from './services.js';

export interface CreateAppOptions {
  transport: Transport;
  preload?: TensorloomPreload | null;
  theme?: ThemeChoice;
  validateDelayMs?: number;
}

/**
 * Wires the stores together: every document edit schedules validation, and a new
 * connection re-validates (the engine may have restarted with new kinds).
 */
export function createApp(options: CreateAppOptions): AppServices {
  const engine = createEngine(options.transport);
  const doc = createDocStore();
  const view = createViewStore(options.theme);
  const validation = createValidation(() => engine.client, options.validateDelayMs);
  const trainer = createTrainer(engine, { isTwoD: (g) => isTwoD(engine, g) });
  const app: AppServices = {
    doc,
    view,
    engine,
    validation,
    trainer,
    autosave: createAutosave(doc, () => engine.client),
    workspace: workspaceFiles(() => engine.client),
    preload: options.preload ?? null,
    flow: { current: null },
    clipboard: { current: null, pastes: 0 },
    canvasCenter() {
      const flow = app.flow.current;
      const el = typeof document !== 'undefined' ? document.querySelector('[data-testid="canvas"]') : null;
      if (!flow || !el) return { x: 0, y: 0 };
      const r = el.getBoundingClientRect();
      return flow.screenToFlowPosition({ x: r.left + r.width / 2, y: r.top + r.height / 2 });
    },
  };
  doc.store.subscribe((s, prev) => {
    if (s.graph !== prev.graph) validation.schedule(s.graph);
  });
  engine.store.subscribe((s, prev) => {
    if (s.connection === 'open' && prev.connection !== 'open') void validation.run(doc.get().graph);
  });
  return app;
}
