import type { EngineClient } from '../../../engine/protocol/client.js';
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
  /** Saves now if the document changed since the last autosave. */
  tick(): Promise<void>;
  start(intervalMs: number): void;
  stop(): void;
  /** The document was saved or discarded on purpose: nothing to recover. */
  clear(): Promise<void>;
  lastError(): string | null;
}

/**
 * Every few seconds, writes the open graph to the engine's recovery file while it has
 * unsaved changes, and clears the file once it has none, so a restart after a crash
 * offers exactly the work that would otherwise be lost.
 */
export function createAutosave(doc: DocStore, client: () => EngineClient, key = RECOVERY_KEY): Autosave {
  let lastText: string | null = null;
  let timer: ReturnType<typeof setInterval> | null = null;
  let error: string | null = null;
  let busy = false;

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
        const text = encodeRecovery(file, graphToText(graph));
        if (text === lastText) return;
        await client().request('recovery.save', { key, text });
        lastText = text;
        error = null;
      } catch (err) {
        error = (err as Error).message;
      } finally {
        busy = false;
      }
    },
    start(intervalMs) {
      autosave.stop();
      timer = setInterval(() => void autosave.tick(), intervalMs);
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
    async clear() {
      lastText = null;
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
