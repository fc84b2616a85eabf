import type { Transport } from './client.js';

/**
 * The parts of a WebSocket the transport uses; the browser's WebSocket and the `ws`
 * package's both have them (this module stays free of DOM and Node types).
 */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
  addEventListener(type: 'error', listener: (event: unknown) => void): void;
}

const OPEN = 1;

/**
 * A transport over an open WebSocket: JSON text frames both ways; frames that are not
 * JSON are dropped (the client checks the rest). `onClose` hears when the server went
 * away, e.g. to show "the engine is not reachable".
 */
export function webSocketTransport(socket: SocketLike, onClose?: (event: { code: number; reason: string }) => void): Transport {
  const listeners = new Set<(message: unknown) => void>();
  socket.addEventListener('message', (event) => {
    if (typeof event.data !== 'string') return;
    let message: unknown;
    try {
      message = JSON.parse(event.data);
    } catch {
      return;
    }
    for (const l of listeners) l(message);
  });
  if (onClose) socket.addEventListener('close', onClose);
  return {
    send(message) {
      if (socket.readyState !== OPEN) throw new Error('the connection to the engine is closed: reload the page');
      socket.send(JSON.stringify(message));
    },
    onMessage(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      socket.close();
    },
  };
}

/** Opens a WebSocket and resolves once it is open (rejects if it closes first). */
export function openSocket<S extends SocketLike>(create: () => S): Promise<S> {
  return new Promise((resolve, reject) => {
    const socket = create();
    socket.addEventListener('open', () => resolve(socket));
    // The close that follows says what went wrong; an unheard error would throw in Node.
    socket.addEventListener('error', () => {});
    socket.addEventListener('close', (event) => reject(new Error(`the engine refused the connection (${event.code}${event.reason ? `: ${event.reason}` : ''})`)));
  });
}
