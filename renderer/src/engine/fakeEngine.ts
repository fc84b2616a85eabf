import type { Transport } from '../../../engine/protocol/client.js';

type Handler = (params: any) => unknown;

/**
 * An in-memory engine for unit tests: answers requests from a table of handlers,
 * can push messages, and records what was asked.
 */
export function fakeTransport(handlers: Record<string, Handler>) {
  const listeners = new Set<(m: unknown) => void>();
  const calls: { method: string; params: any }[] = [];
  const transport: Transport = {
    send(message) {
      const { id, method, params } = message as { id: number; method: string; params: unknown };
      calls.push({ method, params });
      const handler = handlers[method];
      queueMicrotask(async () => {
        let reply: unknown;
        try {
          if (!handler) throw Object.assign(new Error(`unknown method "${method}"`), { code: 'unknown-method' });
          reply = { id, ok: true, result: await handler(params) };
        } catch (err) {
          reply = { id, ok: false, error: { code: (err as { code?: string }).code ?? 'error', message: (err as Error).message } };
        }
        for (const l of listeners) l(reply);
      });
    },
    onMessage(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return {
    transport,
    calls,
    push(message: unknown) {
      for (const l of listeners) l(message);
    },
  };
}

export const flush = () => new Promise((r) => setTimeout(r, 0));
