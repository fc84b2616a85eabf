import type { EngineClient } from '../../../engine/protocol/client.js';
import type { Graph } from '../../../engine/graph/schema.js';
import type { DocFile, DocStore } from '../doc/docStore.js';
import { graphToText } from '../doc/newGraph.js';

export const RECOVERY_KEY = 'session';

/** What the recovery file holds: the graph and which file it was, so a restore can say so. */
export interface RecoveryRecord {
  kind: 'tensorloom.recovery';
  file: DocFile;
  graph: string;
}

export function encodeRecovery(file: DocFile, graphText: string): string {
  const record: RecoveryRecord = { kind: 'tensorloom.recovery', file, graph: graphText };
  return JSON.stringify(record);
}

export function decodeRecovery(text: string): RecoveryRecord | null {
  try {
    const r = JSON.parse(text) as Partial<RecoveryRecord>;
    if (r.kind !== 'tensorloom.recovery' || typeof r.graph !== 'string' || !r.file || typeof r.file.name !== 'string') return null;
    return { kind: r.kind, graph: r.graph, file: { path: typeof r.file.path === 'string' ? r.file.path : null, name: r.file.name } };
  } catch {
    return null;
  }
}

export interface Autosave {
  /** Writes the open graph now if it changed since the last write (clears the file once nothing is unsaved). */
  tick(): Promise<void>;
  /**
   * One step of the running autosave: writes once the graph has held still since the
   * previous check, or when its oldest unwritten change is `maxWaitMs` old.
   */
  check(): Promise<void>;
  /** Checks every `intervalMs`. */
  start(intervalMs: number): void;
  stop(): void;
  /** The document was saved or discarded on purpose: nothing to recover. */
  clear(): Promise<void>;
  lastError(): string | null;
}

export interface AutosaveOptions {
  key?: string;
  /** The longest an unsaved change waits for a pause in the editing. */
  maxWaitMs?: number;
  now?: () => number;
}

/**
 * Writes the open graph to the engine's recovery file while it has unsaved changes, and
 * clears the file once it has none, so a restart after a crash offers exactly the work
 * that would otherwise be lost. Writing out a thousand-node graph takes the page several
 * milliseconds, which landing between two keystrokes cost a frame: the write waits for a
 * pause in the editing (a check that finds the graph as the previous one left it), or at
 * most `maxWaitMs`, and a graph already written is not written out again.
 */
export function createAutosave(doc: DocStore, client: () => EngineClient, options: AutosaveOptions = {}): Autosave {
  const { key = RECOVERY_KEY, maxWaitMs = 3000, now = Date.now } = options;
  let lastText: string | null = null;
  /** The document state the recovery file holds, to tell "nothing new" without writing it out. */
  let written: { graph: Graph; file: DocFile } | null = null;
  /** The graph the previous check saw, and when the oldest change not yet written was seen. */
  let seen: Graph | null = null;
  let waitingSince: number | null = null;
  let timer: ReturnType<typeof setInterval> | null = null;
  let error: string | null = null;
  let busy = false;
  const isWritten = (graph: Graph, file: DocFile) => written?.graph === graph && written.file === file;

  const autosave: Autosave = {
    async tick() {
      if (busy) return;
      busy = true;
      try {
        const { graph, file } = doc.get();
        if (!doc.isDirty()) {
          if (lastText !== null) await autosave.clear();
          return;
        }
        if (isWritten(graph, file)) return;
        const text = encodeRecovery(file, graphToText(graph));
        if (text !== lastText) await client().request('recovery.save', { key, text });
        lastText = text;
        written = { graph, file };
        waitingSince = null;
        error = null;
      } catch (err) {
        error = (err as Error).message;
      } finally {
        busy = false;
      }
    },
    async check() {
      const { graph, file } = doc.get();
      if (doc.isDirty() && !isWritten(graph, file)) {
        const t = now();
        waitingSince ??= t;
        const moving = graph !== seen;
        seen = graph;
        if (moving && t - waitingSince < maxWaitMs) return;
      }
      await autosave.tick();
    },
    start(intervalMs) {
      autosave.stop();
      timer = setInterval(() => void autosave.check(), intervalMs);
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
    async clear() {
      lastText = null;
      written = null;
      waitingSince = null;
      try {
        await client().request('recovery.clear', { key });
      } catch (err) {
        error = (err as Error).message;
      }
    },
    lastError: () => error,
  };
  return autosave;
}
