import { describe, expect, it } from 'vitest';
import { produceWithPatches } from 'immer';
import { History } from './history.js';

interface Doc {
  units: number;
  name: string;
  list: number[];
}

function edit(history: History, state: Doc, label: string, recipe: (d: Doc) => void, mergeKey?: string): Doc {
  const [next, patches, inverse] = produceWithPatches(state, recipe);
  history.mark(label, mergeKey);
  history.record(patches, inverse);
  return next;
}

describe('History', () => {
  it('undoes and redoes one stop at a time, newest first', () => {
    const h = new History();
    let s: Doc = { units: 1, name: 'a', list: [] };
    s = edit(h, s, 'Set units', (d) => void (d.units = 2));
    s = edit(h, s, 'Rename', (d) => void (d.name = 'b'));
    expect(h.undoLabel).toBe('Rename');
    s = h.undo(s)!.state;
    expect(s).toEqual({ units: 2, name: 'a', list: [] });
    s = h.undo(s)!.state;
    expect(s).toEqual({ units: 1, name: 'a', list: [] });
    expect(h.undo(s)).toBeNull();
    s = h.redo(s)!.state;
    s = h.redo(s)!.state;
    expect(s).toEqual({ units: 2, name: 'b', list: [] });
  });

  it('merges changes with the same key into one stop (a drag is undone in one step)', () => {
    const h = new History();
    let s: Doc = { units: 0, name: '', list: [] };
    for (let i = 1; i <= 20; i++) s = edit(h, s, 'Move', (d) => void (d.units = i), 'drag-1');
    s = edit(h, s, 'Move', (d) => void (d.units = 99), 'drag-2');
    s = h.undo(s)!.state;
    expect(s.units).toBe(20);
    s = h.undo(s)!.state;
    expect(s.units).toBe(0);
  });

  it('starts a new stop after seal even with the same key', () => {
    const h = new History();
    let s: Doc = { units: 0, name: '', list: [] };
    s = edit(h, s, 'Type', (d) => void (d.units = 1), 'field');
    h.seal();
    s = edit(h, s, 'Type', (d) => void (d.units = 2), 'field');
    expect(h.undo(s)!.state.units).toBe(1);
  });

  it('keeps diffs, not snapshots: a one-field change of a large document stores one patch', () => {
    const h = new History();
    let s: Doc = { units: 0, name: '', list: Array.from({ length: 10000 }, (_, i) => i) };
    s = edit(h, s, 'Set', (d) => void (d.list[5000] = -1));
    expect(h.patchCount).toBe(1);
    expect(h.undo(s)!.state.list[5000]).toBe(5000);
  });

  it('drops the redo branch when a new edit is made', () => {
    const h = new History();
    let s: Doc = { units: 0, name: '', list: [] };
    s = edit(h, s, 'A', (d) => void (d.units = 1));
    s = h.undo(s)!.state;
    s = edit(h, s, 'B', (d) => void (d.name = 'x'));
    expect(h.redoLabel).toBeNull();
    expect(h.redo(s)).toBeNull();
  });

  it('skips empty stops so undo always changes something', () => {
    const h = new History();
    let s: Doc = { units: 0, name: '', list: [] };
    s = edit(h, s, 'A', (d) => void (d.units = 1));
    h.mark('Nothing happened');
    h.mark('Still nothing');
    expect(h.undoLabel).toBe('A');
    expect(h.undo(s)!.state.units).toBe(0);
  });
});
