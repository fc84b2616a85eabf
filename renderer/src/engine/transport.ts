import type { Transport } from '../../../engine/protocol/client.js';

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface ConnectionHooks {
  onState(state: ConnectionState, detail?: string): void;
}

/** A transport that can tell when it goes down, so requests in flight can be failed. */
export interface WatchedTransport extends Transport {
  readonly kind: 'websocket' | 'electron';
}

/**
 * Browser mode: JSON messages over the server's WebSocket at /ws on the page's origin.
 * Reconnects with a growing delay; messages sent while down wait in a queue, so a
 * server restart only costs the requests that were in flight.
 */
export function webSocketTransport(url: string, hooks: ConnectionHooks): WatchedTransport {
  const listeners = new Set<(message: unknown) => void>();
  const queue: string[] = [];
  let socket: WebSocket | null = null;
  let closedByUs = false;
  let retryMs = 250;

  const open = () => {
    hooks.onState('connecting');
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      retryMs = 250;
      hooks.onState('open');
      for (const text of queue.splice(0)) ws.send(text);
    };
    ws.onmessage = (event) => {
      let message: unknown;
      try {
        message = JSON.parse(String(event.data));
      } catch {
        return; // not JSON: dropped, as the client drops malformed messages
      }
      for (const l of listeners) l(message);
    };
    ws.onclose = (event) => {
      socket = null;
      if (closedByUs) return;
      hooks.onState('closed', event.reason || `the connection to the engine closed (code ${event.code})`);
      setTimeout(open, retryMs);
      retryMs = Math.min(retryMs * 2, 4000);
    };
  };
  open();

  return {
    kind: 'websocket',
    send(message) {
      const text = JSON.stringify(message);
      if (socket && socket.readyState === WebSocket.OPEN) socket.send(text);
      else queue.push(text);
    },
    onMessage(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      closedByUs = true;
      socket?.close();
    },
  };
}

/** The WebSocket address for a page served by `tensorloom serve`, keeping its access token. */
export function engineSocketUrl(location: Pick<Location, 'protocol' | 'host' | 'search'>): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const token = new URLSearchParams(location.search).get('token');
  return `${scheme}//${location.host}/ws${token ? `?token=${encodeURIComponent(token)}` : ''}`;
}
