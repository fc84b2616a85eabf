import type { AppServices } from '../app/services.js';
import { newDocument, openDocument, saveDocument, saveDocumentAs } from '../files/fileCommands.js';
import { toast } from '../view/viewStore.js';
import type { Action } from './action.js';
import { deleteSelection, duplicateSelection, hasSelection, selectAll } from './editCommands.js';
import { copyToClipboards, pasteFromClipboards } from '../share/clipboardCommands.js';
import { copyShareLink } from '../share/shareCommands.js';
import { canReadSystemText } from '../share/systemClipboard.js';

export type AppAction = Action<AppServices>;

const running = (app: AppServices) => ['starting', 'running', 'stopping'].includes(app.trainer.store.getState().status);

/** Every command of the app, in the order the command palette lists them. */
export const appActions: AppAction[] = [
  { id: 'file.new', label: 'New graph', group: 'File', shortcuts: ['Mod+Alt+N'], global: true, perform: newDocument },
  { id: 'file.open', label: 'Open…', group: 'File', shortcuts: ['Mod+O'], global: true, perform: openDocument },
  { id: 'file.save', label: 'Save', group: 'File', shortcuts: ['Mod+S'], global: true, perform: saveDocument },
  { id: 'file.saveAs', label: 'Save as…', group: 'File', shortcuts: ['Mod+Shift+S'], global: true, perform: saveDocumentAs },
  { id: 'file.templates', label: 'Templates…', group: 'File', perform: (app) => app.view.setState({ modal: { kind: 'templates' } }) },
  { id: 'file.importData', label: 'Import data…', group: 'File', perform: (app) => app.view.setState({ modal: { kind: 'import' } }) },
  { id: 'file.shareLink', label: 'Copy share link', group: 'File', perform: copyShareLink },
  { id: 'file.openShared', label: 'Open share link…', group: 'File', perform: (app) => app.view.setState({ modal: { kind: 'share-open' } }) },
  {
    id: 'edit.undo',
    label: (app) => (app.doc.get().undoLabel ? `Undo ${app.doc.get().undoLabel}` : 'Undo'),
    group: 'Edit',
    shortcuts: ['Mod+Z'],
    enabled: (app) => app.doc.get().undoLabel !== null,
    perform: (app) => void app.doc.undo(),
  },
  {
    id: 'edit.redo',
    label: (app) => (app.doc.get().redoLabel ? `Redo ${app.doc.get().redoLabel}` : 'Redo'),
    group: 'Edit',
    shortcuts: ['Mod+Shift+Z', 'Mod+Y'],
    enabled: (app) => app.doc.get().redoLabel !== null,
    perform: (app) => void app.doc.redo(),
  },
  { id: 'edit.delete', label: 'Delete selection', group: 'Edit', shortcuts: ['Delete', 'Backspace'], enabled: hasSelection, perform: deleteSelection },
  { id: 'edit.cut', label: 'Cut', group: 'Edit', shortcuts: ['Mod+X'], enabled: (app) => app.view.getState().selectedNodes.size > 0, perform: (app) => copyToClipboards(app, true) },
  {
    id: 'edit.copy',
    label: 'Copy',
    group: 'Edit',
    shortcuts: ['Mod+C'],
    enabled: (app) => app.view.getState().selectedNodes.size > 0,
    perform: (app) => copyToClipboards(app),
  },
  { id: 'edit.paste', label: 'Paste', group: 'Edit', shortcuts: ['Mod+V'], enabled: (app) => !!app.clipboard.current?.nodes.length || canReadSystemText(), perform: pasteFromClipboards },
  { id: 'edit.duplicate', label: 'Duplicate', group: 'Edit', shortcuts: ['Mod+D'], enabled: (app) => app.view.getState().selectedNodes.size > 0, perform: duplicateSelection },
  { id: 'edit.selectAll', label: 'Select all', group: 'Edit', shortcuts: ['Mod+A'], perform: selectAll },
  { id: 'node.add', label: 'Add node…', group: 'Node', shortcuts: ['/', 'Space'], perform: (app) => app.view.setState({ modal: { kind: 'add-node' } }) },
  { id: 'view.commands', label: 'Command palette…', group: 'View', shortcuts: ['Mod+K', 'Mod+Shift+P'], global: true, perform: (app) => app.view.setState({ modal: { kind: 'commands' } }) },
  { id: 'view.fit', label: 'Fit graph to view', group: 'View', shortcuts: ['F'], perform: (app) => void app.flow.current?.fitView({ padding: 0.15, maxZoom: 1.5, duration: 200 }) },
  { id: 'view.palette', label: (app) => (app.view.getState().showPalette ? 'Hide node palette' : 'Show node palette'), group: 'View', shortcuts: ['Mod+B'], global: true, perform: (app) => app.view.setState((s) => ({ showPalette: !s.showPalette })) },
  { id: 'view.zoomIn', label: 'Zoom in', group: 'View', shortcuts: ['=', '+'], perform: (app) => void app.flow.current?.zoomIn({ duration: 150 }) },
  { id: 'view.zoomOut', label: 'Zoom out', group: 'View', shortcuts: ['-'], perform: (app) => void app.flow.current?.zoomOut({ duration: 150 }) },
  { id: 'view.code', label: (app) => (app.view.getState().showCode ? 'Hide code view' : 'Show code view'), group: 'View', shortcuts: ['Mod+E'], global: true, perform: (app) => app.view.setState((s) => ({ showCode: !s.showCode })) },
  { id: 'view.problems', label: (app) => (app.view.getState().showProblems ? 'Hide problems' : 'Show problems'), group: 'View', perform: (app) => app.view.setState((s) => ({ showProblems: !s.showProblems })) },
  { id: 'view.guide', label: 'Show the template guide', group: 'View', shortcuts: ['Alt+3'], enabled: (app) => app.view.getState().readme !== null, perform: (app) => app.view.setState({ rightTab: 'guide' }) },
  {
    id: 'view.theme',
    label: 'Switch light / dark theme',
    group: 'View',
    perform: (app) => {
      const dark = document.documentElement.dataset.theme === 'dark';
      app.view.setState({ theme: dark ? 'light' : 'dark' });
    },
  },
  { id: 'view.inspector', label: 'Show node inspector', group: 'View', shortcuts: ['Alt+1'], perform: (app) => app.view.setState({ rightTab: 'node' }) },
  { id: 'view.training', label: 'Show training panel', group: 'View', shortcuts: ['Alt+2'], perform: (app) => app.view.setState({ rightTab: 'train' }) },
  {
    id: 'train.start',
    label: 'Train',
    group: 'Train',
    shortcuts: ['Mod+Enter'],
    global: true,
    enabled: (app) => !running(app) && app.engine.store.getState().connection === 'open',
    perform: (app) => {
      const problems = app.validation.store.getState().view?.problems.filter((p) => p.severity === 'error') ?? [];
      if (problems.length) toast(app.view, `The graph has ${problems.length} problem${problems.length > 1 ? 's' : ''}; the engine will report them.`, 'error');
      app.view.setState({ rightTab: 'train' });
      void app.trainer.start(app.doc.get().graph);
    },
  },
  { id: 'train.stop', label: 'Stop training', group: 'Train', shortcuts: ['Mod+.'], global: true, enabled: running, perform: (app) => void app.trainer.stop() },
  {
    id: 'train.resume',
    label: 'Resume training',
    group: 'Train',
    enabled: (app) => app.trainer.store.getState().status === 'stopped',
    perform: (app) => void app.trainer.resume(),
  },
];

export function actionById(id: string): AppAction {
  const action = appActions.find((a) => a.id === id);
  if (!action) throw new Error(`no action "${id}"`);
  return action;
}
