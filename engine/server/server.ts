import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import { checkRequest, MAX_MESSAGE_BYTES, type Push, type Response } from '../protocol/messages.js';
import { defaultRecoveryDir, defaultTemplatesDir, defaultWorkspaceDir, packageRoot } from '../service/paths.js';
import { EngineHost, workerThreadEngine, type SpawnEngine } from '../service/workerHost.js';
import { checkHost, checkUpgrade, isLoopbackHost, RateLimiter, type GuardOptions } from './guard.js';
import { contentSecurityPolicy, securityHeaders } from './headers.js';
import { resolveStaticPath, sendFile } from './staticFiles.js';

export const DEFAULT_PORT = 7400;
/** Messages per second a connection may send before it is refused and closed. */
export const DEFAULT_MESSAGE_RATE = 200;
const MAX_CONNECTIONS = 64;
/** WebSocket close codes: policy violation (rate), and ws's own 1009 for oversized messages. */
export const CLOSE_RATE_LIMIT = 1008;

export interface ServerOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Required to listen beyond loopback; turns on the access token. */
  expose?: boolean;
  workspaceDir?: string;
  templatesDir?: string;
  recoveryDir?: string;
  /** The built renderer (default: dist-renderer/ in the package). */
  rendererDir?: string;
  messageRate?: number;
  /** How the engine is started (default: a worker thread of this process). */
  spawnEngine?: SpawnEngine;
  stepRate?: number;
}

export interface RunningServer {
  /** What to open in a browser (with the token when exposed). */
  url: string;
  /** More URLs that reach it (the machine's network addresses when exposed). */
  otherUrls: string[];
  wsUrl: string;
  host: string;
  port: number;
  token: string | null;
  rendererDir: string;
  rendererBuilt: boolean;
  engine: EngineHost;
  /** Refusals so far by reason: the security tests read these. */
  refused: Record<'handshake' | 'malformed' | 'rate' | 'oversized', number>;
  close(): Promise<void>;
}

/**
 * The browser mode: the built renderer over HTTP and the engine protocol over a
 * WebSocket at /ws, on 127.0.0.1 unless `expose` says otherwise. Every message is
 * checked with the protocol's schema before it reaches the engine; size and rate are
 * capped per connection; beyond loopback a random token guards the WebSocket.
 */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const exposed = Boolean(options.expose);
  const host = options.host ?? (exposed ? '0.0.0.0' : '127.0.0.1');
  if (!exposed && !isLoopbackHost(host)) {
    throw new Error(`listening on ${host} makes Tensorloom reachable from other machines: add --expose (it then requires the access token printed with the URL)`);
  }
  const token = exposed ? randomBytes(24).toString('base64url') : null;
  const guard: GuardOptions = { exposed, token };
  const rendererDir = options.rendererDir ?? join(packageRoot(), 'dist-renderer');
  const refused: RunningServer['refused'] = { handshake: 0, malformed: 0, rate: 0, oversized: 0 };
  const rate = options.messageRate ?? DEFAULT_MESSAGE_RATE;

  const connections = new Set<WebSocket>();
  const owners = new Map<string, WebSocket>();
  const onPush = (push: Push) => {
    const text = JSON.stringify(push);
    if (push.type === 'train') {
      const owner = owners.get(push.runId);
      if (owner?.readyState === WebSocket.OPEN) owner.send(text);
      // A resume names its connection again.
      if (push.event.event === 'done' || push.event.event === 'error') owners.delete(push.runId);
      return;
    }
    for (const ws of connections) if (ws.readyState === WebSocket.OPEN) ws.send(text);
  };
  const engine = new EngineHost(
    options.spawnEngine ??
      workerThreadEngine({
        templatesDir: options.templatesDir ?? defaultTemplatesDir(),
        recoveryDir: options.recoveryDir ?? defaultRecoveryDir(),
        workspaceDir: options.workspaceDir ?? defaultWorkspaceDir(),
        stepRate: options.stepRate,
        // Shared on a network, graphs may read data files from the workspace only.
        confineDataToWorkspace: exposed,
      }),
    onPush,
  );

  const http = createServer((req, res) => void serveHttp(req, res));
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES, perMessageDeflate: false });

  async function serveHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const headers = securityHeaders(contentSecurityPolicy({ websocket: exposed && req.headers.host ? [`ws://${req.headers.host}`] : [] }));
    const admitted = checkHost(req, guard);
    if (!admitted.ok) return plain(res, admitted.status, admitted.reason, headers);
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'only GET and HEAD are served', { ...headers, Allow: 'GET, HEAD' });
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/ws') return plain(res, 426, 'the engine speaks WebSocket here', headers);
    if (!existsSync(join(rendererDir, 'index.html'))) {
      return plain(res, 503, 'The Tensorloom page is not built yet: run `npm run build`, then reload.', headers);
    }
    const file = (await resolveStaticPath(rendererDir, path)) ?? (path.includes('.') ? null : await resolveStaticPath(rendererDir, '/'));
    if (!file) return plain(res, 404, 'not found', headers);
    try {
      await sendFile(res, file, headers, req.method === 'HEAD');
    } catch {
      if (!res.headersSent) plain(res, 500, 'could not read the file', headers);
    }
  }

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const admitted: ReturnType<typeof checkUpgrade> =
      path !== '/ws' ? { ok: false, status: 404, reason: 'not found' }
      : connections.size >= MAX_CONNECTIONS ? { ok: false, status: 503, reason: 'too many connections' }
      : checkUpgrade(req, guard);
    if (!admitted.ok) {
      refused.handshake++;
      socket.end(`HTTP/1.1 ${admitted.status} Refused\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${admitted.reason}\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws));
  });

  function accept(ws: WebSocket): void {
    connections.add(ws);
    const limiter = new RateLimiter(rate);
    const runs = new Set<string>();
    let flooded = false;
    const reply = (response: Response) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(response));
    };
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (flooded) return;
      if (!limiter.take()) {
        flooded = true;
        refused.rate++;
        reply({ id: -1, ok: false, error: { code: 'rate-limit', message: `more than ${rate} messages per second: connection closed` } });
        ws.close(CLOSE_RATE_LIMIT, 'too many messages');
        return;
      }
      let raw: unknown;
      try {
        if (isBinary) throw new Error('binary');
        raw = JSON.parse(data.toString());
      } catch {
        refused.malformed++;
        return reply({ id: -1, ok: false, error: { code: 'bad-request', message: 'messages must be JSON text' } });
      }
      const checked = checkRequest(raw);
      if (!checked.ok) {
        refused.malformed++;
        return reply({ id: checked.id ?? -1, ok: false, error: { code: 'bad-request', message: checked.message } });
      }
      engine.send({ id: checked.id, method: checked.method, params: checked.params }, (response) => {
        // Runs belong to the connection that started them: their progress goes there only.
        if (response.ok && (checked.method === 'train.start' || checked.method === 'train.resume')) {
          const runId = (response.result as { runId: string }).runId;
          owners.set(runId, ws);
          runs.add(runId);
        }
        reply(response);
      });
    });
    ws.on('error', (err: Error & { code?: string }) => {
      if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') refused.oversized++;
    });
    ws.on('close', () => {
      connections.delete(ws);
      // Nobody is left to watch these runs: stop them rather than train for no one.
      for (const runId of runs) {
        if (owners.get(runId) !== ws) continue;
        owners.delete(runId);
        engine.send({ id: 0, method: 'train.stop', params: { runId } }, () => {});
      }
    });
  }

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? DEFAULT_PORT, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  const query = token ? `?token=${token}` : '';
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${port}/${query}`;
  const otherUrls = host === '0.0.0.0' || host === '::' ? lanAddresses().map((a) => `http://${a}:${port}/${query}`) : [];

  return {
    url,
    otherUrls,
    wsUrl: `ws://${shownHost}:${port}/ws${query}`,
    host,
    port,
    token,
    rendererDir,
    rendererBuilt: existsSync(join(rendererDir, 'index.html')),
    engine,
    refused,
    async close() {
      for (const ws of connections) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
      await closed;
      await engine.close();
    },
  };
}

function plain(res: ServerResponse, status: number, text: string, headers: Record<string, string>): void {
  res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(`${text}\n`);
}

function lanAddresses(): string[] {
  const out: string[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) out.push(a.address);
  }
  return out;
}
