import { PushSchema, ResponseSchema, type Method, type Push, type RequestParams, type Responses } from './messages.js';

/** A duplex channel of plain JSON-able messages: a WebSocket, or Electron IPC via the preload. */
export interface Transport {
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): () => void;
  close?(): void;
}

export class EngineRequestError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'EngineRequestError';
  }
}

/**
 * The renderer's only way to the engine: typed requests with promised replies, and a
 * stream of pushes (training progress, engine restarts). Replies and pushes are
 * checked against the protocol's schemas before anyone sees them.
 */
export class EngineClient {
  private nextId = 1;
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private listeners = new Set<(push: Push) => void>();
  private unsubscribe: () => void;

  constructor(private transport: Transport) {
    this.unsubscribe = transport.onMessage((message) => this.receive(message));
  }

  request<M extends Method>(method: M, params: RequestParams<M>): Promise<Responses[M]> {
    const id = this.nextId++;
    return new Promise<Responses[M]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      try {
        this.transport.send({ id, method, params });
      } catch (err) {
        this.pending.delete(id);
        reject(err as Error);
      }
    });
  }

  onPush(listener: (push: Push) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Fails every request in flight (the connection dropped). */
  failPending(message: string): void {
    for (const { reject } of this.pending.values()) reject(new EngineRequestError('disconnected', message));
    this.pending.clear();
  }

  close(): void {
    this.failPending('the client was closed');
    this.unsubscribe();
    this.transport.close?.();
  }

  private receive(message: unknown): void {
    const response = ResponseSchema.safeParse(message);
    if (response.success) {
      const waiting = this.pending.get(response.data.id);
      if (!waiting) return;
      this.pending.delete(response.data.id);
      if (response.data.ok) waiting.resolve(response.data.result);
      else waiting.reject(new EngineRequestError(response.data.error.code, response.data.error.message));
      return;
    }
    const push = PushSchema.safeParse(message);
    if (push.success) for (const l of this.listeners) l(push.data as Push);
    // Anything else is dropped: a malformed message never reaches the app.
  }
}
