/** What long analyses report as they go (the panel's progress bar). */
export interface AnalysisProgress {
  phase: 'centre' | 'grid' | 'slice' | 'sharpness';
  /** Loss (or gradient) evaluations done and planned in this phase. */
  done: number;
  total: number;
  /** Which run, when several are compared. */
  run?: string;
}

export interface Cancellable {
  signal?: AbortSignal;
  onProgress?(progress: AnalysisProgress): void;
}

/**
 * Lets other work run (an abort coming from a message, a redraw) about every 50 ms, then
 * throws the signal's reason if the analysis was cancelled. Awaiting tensor data alone
 * only yields to microtasks, which would never let a cancel request in.
 */
export function createCheckpoint(signal?: AbortSignal): () => Promise<void> {
  let last = Date.now();
  return async () => {
    if (Date.now() - last > 50) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      last = Date.now();
    }
    signal?.throwIfAborted();
  };
}
