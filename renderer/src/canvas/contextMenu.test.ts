import { describe, expect, it } from 'vitest';
import { actionById } from '../actions/appActions.js';
import { contextActions } from './ContextMenu.js';

describe('canvas context menu', () => {
  it('offers node, edge and canvas commands from the one action list', () => {
    for (const target of ['node', 'edge', 'pane'] as const) for (const id of contextActions(target)) expect(actionById(id).id).toBe(id);
    expect(contextActions('node')).toContain('edit.delete');
    expect(contextActions('pane')).toContain('node.add');
  });
});
