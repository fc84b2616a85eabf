import { Worker } from 'node:worker_threads';
import { MessageChannel } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import type { Push, Response } from '../protocol/messages.js';
import { checkEngineToHost, type EngineConfig, type HostToEngine } from './engineChannel.js';

/** A started engine: a worker thread, or in Electron possibly another process. */
export interface EngineChannel {
  post(message: HostToEngine): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called once when the engine is gone, with what is known of why. */
  onExit(listener: (reason: string) => void): void;
  terminate(): Promise<void>;
}

export type SpawnEngine = () => EngineChannel;

export interface EngineHostOptions {
  /** Pause before starting the engine again after a crash. */
  restartDelayMs?: number;
  /** Crashes within `crashWindowMs` after which the engine is not restarted. */
  maxCrashes?: number;
  crashWindowMs?: number;
  /** Told of every malformed message refused on this channel, in either direction (default: stderr). */
  onRefused?(reason: string): void;
}

/**
 * Runs the engine off the caller's thread and keeps it running: requests go to the
 * engine and come back as replies; pushes are passed on. When the engine dies, every
 * request in flight is answered with an error, `{type:'engine', state:'crashed'}` is
 * pushed, and a new engine is started (`state:'restarted'` once it is ready); requests
 * sent meanwhile wait for it. Everything from the engine is checked against the
 * channel's schema before anyone sees it; the engine checks what it is sent likewise.
 */
export class EngineHost {
  private channel!: EngineChannel;
  private seq = 0;
  private pending = new Map<number, { id: number; resolve: (r: Response) => void }>();
  private closing = false;
  private crashes: number[] = [];
  private restarting = false;
  private generation = 0;
  /** Requests sent while the engine restarts, posted to the new one. */
  private queued: HostToEngine[] = [];
  /** Malformed messages refused: from the engine by this host, and from this host by the engine. */
  readonly refused = { fromEngine: 0, byEngine: 0 };

  constructor(private spawn: SpawnEngine, private onPush: (push: Push) => void, private options: EngineHostOptions = {}) {
    this.start();
  }

  /**
   * Sends a request (already checked by the transport); `onReply` is called with its
   * reply, synchronously as it arrives, so a transport can note which connection owns
   * a new run before that run's first push comes in.
   */
  send(message: { id: number; method: string; params?: unknown }, onReply: (response: Response) => void): void {
    if (this.closing) {
      onReply(errorReply(message.id, 'closed', 'the engine is shutting down'));
      return;
    }
    const seq = ++this.seq;
    this.pending.set(seq, { id: message.id, resolve: onReply });
    this.channel.post({ kind: 'request', seq, message });
  }

  request(message: { id: number; method: string; params?: unknown }): Promise<Response> {
    return new Promise((resolve) => this.send(message, resolve));
  }

  /** Test hook: makes the engine crash with an uncaught error. */
  crashForTest(): void {
    this.channel.post({ kind: 'crash' });
  }

  /** Test hook: ends the engine from outside, as a kill would (even while it is busy). */
  killForTest(): void {
    void this.channel.terminate();
  }

  async close(): Promise<void> {
    this.closing = true;
    this.failPending('closed', 'the engine was shut down');
    await this.channel.terminate();
  }

  private start(): void {
    const generation = ++this.generation;
    let channel: EngineChannel;
    try {
      channel = this.spawn();
    } catch (err) {
      // Could not even start (a missing entry file): every request gets that error.
      const reason = `it could not start: ${(err as Error).message}`;
      const refuse = (m: HostToEngine) => {
        const waiting = m.kind === 'request' ? this.pending.get(m.seq) : undefined;
        if (m.kind !== 'request' || !waiting) return;
        this.pending.delete(m.seq);
        waiting.resolve(errorReply(waiting.id, 'engine-unavailable', `the engine ${reason}`));
      };
      this.channel = { post: refuse, onMessage() {}, onExit() {}, terminate: async () => {} };
      for (const m of this.queued.splice(0)) refuse(m);
      this.onPush({ type: 'engine', state: 'crashed', message: `the engine ${reason}` });
      return;
    }
    this.channel = channel;
    channel.onMessage((raw) => {
      if (generation === this.generation) this.receive(raw);
    });
    channel.onExit((reason) => {
      if (generation === this.generation) this.crashed(reason);
    });
    for (const m of this.queued.splice(0)) channel.post(m);
  }

  private receive(raw: unknown): void {
    const checked = checkEngineToHost(raw);
    if (!checked.ok) {
      // A request it named is answered with an error rather than left waiting.
      const waiting = checked.seq !== null ? this.pending.get(checked.seq) : undefined;
      if (waiting) {
        this.pending.delete(checked.seq!);
        waiting.resolve(errorReply(waiting.id, 'internal', 'the engine sent a malformed reply'));
      }
      this.refuse('fromEngine', checked.reason);
      return;
    }
    const message = checked.message;
    if (message.kind === 'refused') {
      this.refuse('byEngine', message.message);
      return;
    }
    if (message.kind === 'ready') {
      if (this.restarting) {
        this.restarting = false;
        this.onPush({ type: 'engine', state: 'restarted', message: 'the engine was restarted; runs in progress were lost, train again' });
      }
      return;
    }
    if (message.kind === 'response') {
      const waiting = this.pending.get(message.seq);
      if (!waiting) return;
      this.pending.delete(message.seq);
      // The reply carries the caller's id whatever the engine put there.
      waiting.resolve({ ...message.response, id: waiting.id });
      return;
    }
    this.onPush(message.push);
  }

  private refuse(side: keyof EngineHost['refused'], reason: string): void {
    this.refused[side]++;
    if (this.options.onRefused) this.options.onRefused(reason);
    else console.error(`tensorloom: refused ${reason}`);
  }

  private crashed(reason: string): void {
    if (this.closing) return;
    const message = `the engine stopped unexpectedly (${reason})`;
    this.failPending('engine-crashed', `${message}; try again`);
    const now = Date.now();
    this.crashes = [...this.crashes.filter((t) => now - t < (this.options.crashWindowMs ?? 60_000)), now];
    if (this.crashes.length > (this.options.maxCrashes ?? 5)) {
      this.onPush({ type: 'engine', state: 'crashed', message: `${message}; it crashed ${this.crashes.length} times in a row and is not restarted: restart Tensorloom` });
      this.closing = true;
      return;
    }
    this.onPush({ type: 'engine', state: 'crashed', message: `${message}; restarting it` });
    this.restarting = true;
    // Until the new engine is there, requests wait here instead of going to the dead one.
    this.channel = { post: (m) => void this.queued.push(m), onMessage() {}, onExit() {}, terminate: async () => {} };
    const timer = setTimeout(() => {
      if (!this.closing) this.start();
    }, this.options.restartDelayMs ?? 200);
    timer.unref?.();
  }

  private failPending(code: string, message: string): void {
    for (const { id, resolve } of this.pending.values()) resolve(errorReply(id, code, message));
    this.pending.clear();
  }
}

function errorReply(id: number, code: string, message: string): Response {
  return { id, ok: false, error: { code, message } };
}

/** The checkout's engine worker: a bootstrap that loads the TypeScript entry through tsx. */
export const DEFAULT_ENGINE_ENTRY = fileURLToPath(new URL('./engineWorker.mjs', import.meta.url));

/** Starts the engine in a worker thread of this process (`entry`: the bootstrap or a bundled entry). */
export function workerThreadEngine(config: EngineConfig, entry: string = DEFAULT_ENGINE_ENTRY): SpawnEngine {
  return () => {
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(resolve(entry), { workerData: { ...config, port: port2 }, transferList: [port2] });
    let lastError: string | null = null;
    const exitListeners: ((reason: string) => void)[] = [];
    worker.on('error', (err) => {
      lastError = err?.message ?? String(err);
    });
    worker.on('exit', (code) => {
      port1.close();
      const reason = lastError ? `error: ${lastError}` : `exit code ${code}`;
      for (const l of exitListeners) l(reason);
    });
    return {
      post: (message) => port1.postMessage(message),
      onMessage: (listener) => port1.on('message', listener),
      onExit: (listener) => void exitListeners.push(listener),
      terminate: async () => {
        port1.close();
        await worker.terminate();
      },
    };
  };
}
