import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { EngineClient } from '../../engine/protocol/client.js';
import type { Push } from '../../engine/protocol/messages.js';
import { openSocket, webSocketTransport, type SocketLike } from '../../engine/protocol/transports.js';
import { startServer, type RunningServer, type ServerOptions } from '../../engine/server/server.js';

export const FIXTURES = join(import.meta.dirname, 'fixtures');

/** The spirals MLP of the tests (400 samples, 2 epochs), as a fresh object each time. */
export function spiralsGraph(): any {
  return JSON.parse(readFileSync(join(FIXTURES, 'spirals.loom.json'), 'utf8'));
}

export interface TestServer {
  server: RunningServer;
  dirs: { workspace: string; recovery: string; renderer: string };
  connect(options?: { token?: string | null; origin?: string; path?: string }): Promise<Connection>;
  close(): Promise<void>;
}

export interface Connection {
  client: EngineClient;
  socket: WebSocket;
  pushes: Push[];
  /** Resolves with the first push matching `test` (already received or still to come). */
  waitForPush(test: (push: Push) => boolean, timeoutMs?: number): Promise<Push>;
  closed: Promise<{ code: number; reason: string }>;
}

/** A browser-mode server on a free port with its own temporary folders, engine in its worker. */
export async function startTestServer(options: ServerOptions = {}): Promise<TestServer> {
  const root = mkdtempSync(join(tmpdir(), 'tensorloom-protocol-'));
  const dirs = { workspace: join(root, 'workspace'), recovery: join(root, 'recovery'), renderer: join(root, 'renderer') };
  const server = await startServer({
    port: 0,
    workspaceDir: dirs.workspace,
    recoveryDir: dirs.recovery,
    templatesDir: join(FIXTURES, 'templates'),
    rendererDir: dirs.renderer,
    ...options,
  });
  const sockets = new Set<WebSocket>();
  return {
    server,
    dirs,
    async connect({ token = server.token, origin, path = '/ws' } = {}) {
      const url = `ws://127.0.0.1:${server.port}${path}${token ? `?token=${token}` : ''}`;
      const socket = await openSocket(() => new WebSocket(url, { headers: origin ? { Origin: origin } : {} }) as unknown as SocketLike) as unknown as WebSocket;
      sockets.add(socket);
      const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
      const client = new EngineClient(webSocketTransport(socket as unknown as SocketLike));
      const pushes: Push[] = [];
      const waiters = new Set<{ test: (p: Push) => boolean; resolve: (p: Push) => void }>();
      client.onPush((p) => {
        pushes.push(p);
        for (const w of waiters) if (w.test(p)) {
          waiters.delete(w);
          w.resolve(p);
        }
      });
      return {
        client,
        socket,
        pushes,
        closed,
        waitForPush(test, timeoutMs = 30_000) {
          const seen = pushes.find(test);
          if (seen) return Promise.resolve(seen);
          return new Promise((resolve, reject) => {
            const w = { test, resolve };
            waiters.add(w);
            setTimeout(() => {
              if (waiters.delete(w)) reject(new Error('timed out waiting for a push'));
            }, timeoutMs).unref();
          });
        },
      };
    },
    async close() {
      for (const s of sockets) s.terminate();
      await server.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
