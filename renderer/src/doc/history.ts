import { applyPatches, enablePatches, type Patch } from 'immer';

enablePatches();

/**
 * One undo stop: every change recorded after its mark, undone and redone together.
 * Stores immer patches (diffs), never whole snapshots.
 */
export interface HistoryStop {
  label: string;
  /** Changes carrying the same key while this stop is on top join it (a drag, typing in a field). */
  mergeKey?: string;
  patches: Patch[];
  inverse: Patch[];
}

/**
 * Undo/redo from inverse patches with named stop marks, as tldraw marks its history:
 * `mark(label)` opens a stop, `record` appends diffs to it, `undo` reverts to the mark.
 */
export class History {
  private undoStack: HistoryStop[] = [];
  private redoStack: HistoryStop[] = [];

  constructor(private readonly limit = 300) {}

  /** Opens a new stop, unless the open one has the same merge key or is still empty. */
  mark(label: string, mergeKey?: string): void {
    const top = this.undoStack.at(-1);
    if (top && mergeKey !== undefined && top.mergeKey === mergeKey) return;
    if (top && top.patches.length === 0) {
      top.label = label;
      top.mergeKey = mergeKey;
      return;
    }
    this.undoStack.push({ label, mergeKey, patches: [], inverse: [] });
    if (this.undoStack.length > this.limit) this.undoStack.splice(0, this.undoStack.length - this.limit);
  }

  /** Ends merging: the next change opens its own stop even with the same key. */
  seal(): void {
    const top = this.undoStack.at(-1);
    if (top) top.mergeKey = undefined;
  }

  record(patches: Patch[], inverse: Patch[]): void {
    if (patches.length === 0) return;
    if (this.undoStack.length === 0) this.mark('Edit');
    const top = this.undoStack.at(-1)!;
    top.patches.push(...patches);
    // Later changes are reverted first.
    top.inverse = [...inverse, ...top.inverse];
    this.redoStack = [];
  }

  undo<T extends object>(state: T): { state: T; label: string } | null {
    this.dropEmptyStops();
    const stop = this.undoStack.pop();
    if (!stop) return null;
    this.redoStack.push(stop);
    return { state: applyPatches(state, stop.inverse), label: stop.label };
  }

  redo<T extends object>(state: T): { state: T; label: string } | null {
    const stop = this.redoStack.pop();
    if (!stop) return null;
    this.dropEmptyStops();
    this.undoStack.push({ ...stop, mergeKey: undefined });
    return { state: applyPatches(state, stop.patches), label: stop.label };
  }

  clear(): void {
    this.undoStack = [];
    this.redoStack = [];
  }

  get undoLabel(): string | null {
    for (let i = this.undoStack.length - 1; i >= 0; i--) if (this.undoStack[i].patches.length) return this.undoStack[i].label;
    return null;
  }

  get redoLabel(): string | null {
    return this.redoStack.at(-1)?.label ?? null;
  }

  /** Total patches kept, to show that history holds diffs and not copies. */
  get patchCount(): number {
    return this.undoStack.reduce((n, s) => n + s.patches.length, 0) + this.redoStack.reduce((n, s) => n + s.patches.length, 0);
  }

  private dropEmptyStops(): void {
    while (this.undoStack.length && this.undoStack.at(-1)!.patches.length === 0) this.undoStack.pop();
  }
}
