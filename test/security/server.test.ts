import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { MAX_MESSAGE_BYTES } from '../../engine/protocol/messages.js';
import { startServer } from '../../engine/server/server.js';
import { startTestServer, type TestServer } from '../protocol/harness.js';

// Attacks on the browser-mode server, each of which must be refused while the app
// keeps answering. Exposed mode is exercised on 127.0.0.1 so the test opens nothing
// to the network: the checks are the same.
let t: TestServer;
const counts = { wrongToken: 0, missingToken: 0, foreignOrigin: 0, oversized: 0, flood: 0, floodMessagesRefused: 0, rebinding: 0 };

beforeAll(async () => {
  t = await startTestServer({ expose: true, host: '127.0.0.1' });
});
afterAll(async () => {
  console.log(
    `refused attacks: wrong token ${counts.wrongToken}, missing token ${counts.missingToken}, foreign origin ${counts.foreignOrigin}, ` +
      `oversized message ${counts.oversized}, flood ${counts.flood} (${counts.floodMessagesRefused} of 2000 messages unanswered), DNS rebinding ${counts.rebinding}; ` +
      `server refusals recorded: ${JSON.stringify(t.server.refused)}`,
  );
  await t?.close();
});

/** Tries a WebSocket handshake; resolves with the HTTP status it was refused with, or 101 if it opened. */
function handshake(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => {
      ws.terminate();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('error', () => resolve(0));
  });
}

async function stillAnswers(): Promise<void> {
  const c = await t.connect();
  const info = await c.client.request('engine.info', {});
  expect(info.protocol).toBe(1);
  c.socket.close();
}

describe('browser mode beyond loopback (--expose)', () => {
  it('prints a URL with a long random access token', () => {
    expect(t.server.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(t.server.url).toContain(`?token=${t.server.token}`);
  });

  it('refuses a WebSocket without the token or with a wrong one', async () => {
    const base = `ws://127.0.0.1:${t.server.port}/ws`;
    for (const bad of [`${t.server.token!.slice(0, -1)}x`, 'guess', `${t.server.token}extra`]) {
      expect(await handshake(`${base}?token=${bad}`)).toBe(401);
      counts.wrongToken++;
    }
    expect(await handshake(base)).toBe(401);
    counts.missingToken++;
    expect(await handshake(`${base}?token=${t.server.token}`)).toBe(101);
    await stillAnswers();
  });

  it('refuses pages of other origins, even with the token', async () => {
    const url = `ws://127.0.0.1:${t.server.port}/ws?token=${t.server.token}`;
    for (const origin of ['http://evil.example', `http://127.0.0.1:${t.server.port + 1}`, 'null', 'file://']) {
      expect(await handshake(url, { Origin: origin }), origin).toBe(403);
      counts.foreignOrigin++;
    }
    expect(await handshake(url, { Origin: `http://127.0.0.1:${t.server.port}` })).toBe(101);
    await stillAnswers();
  });

  it('closes a connection that sends a message over the size cap, and stays up', async () => {
    const c = await t.connect();
    c.socket.send('x'.repeat(MAX_MESSAGE_BYTES + 1));
    expect((await c.closed).code).toBe(1009);
    counts.oversized++;
    await expect.poll(() => t.server.refused.oversized).toBe(1);
    await stillAnswers();
  });

  it('cuts off a flood of 2000 messages after the rate cap, and stays up', async () => {
    const c = await t.connect();
    const replies: { id: number; ok: boolean; error?: { code: string } }[] = [];
    c.socket.on('message', (data) => replies.push(JSON.parse(data.toString())));
    const flood = 2000;
    for (let i = 0; i < flood; i++) c.socket.send(JSON.stringify({ id: 1000 + i, method: 'kinds.list', params: {} }));
    const closed = await c.closed;
    expect(closed.code).toBe(1008);
    counts.flood++;
    const answered = replies.filter((r) => r.ok).length;
    expect(replies.filter((r) => r.error?.code === 'rate-limit')).toHaveLength(1);
    // At most the burst allowance (200) got through; the connection closed before the rest.
    expect(answered).toBeLessThanOrEqual(200);
    counts.floodMessagesRefused = flood - answered;
    expect(counts.floodMessagesRefused).toBeGreaterThan(1500);
    await stillAnswers();
  });

  it('reads dataset files only from the workspace', async () => {
    const c = await t.connect();
    const graph = {
      format: 'tensorloom.graph',
      version: 1,
      dataset: { name: 'csv', params: { path: '/etc/passwd', label: 'root' } },
      nodes: [{ id: 'in', type: 'Input' }],
      edges: [],
    };
    const v = await c.client.request('graph.validate', { graph });
    const problem = v.problems.find((p) => p.param === 'path');
    expect(problem?.message).toMatch(/must name a file in the workspace/);
    expect(JSON.stringify(v)).not.toMatch(/root:/);
    for (const path of ['../outside.csv', '/etc/passwd']) {
      await expect(c.client.request('dataset.preview', { dataset: { name: 'csv', params: { path, label: 'y' } }, limit: 5 })).rejects.toMatchObject({ code: 'dataset' });
    }
    c.socket.close();
  });
});

describe('browser mode on loopback (default)', () => {
  it('does not listen beyond loopback without --expose', async () => {
    await expect(startServer({ port: 0, host: '0.0.0.0' })).rejects.toThrow(/--expose/);
  });

  it('refuses requests naming another host (DNS rebinding), and other origins', async () => {
    const local = await startTestServer();
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port: local.server.port, path: '/', headers: { Host: `attacker.example:${local.server.port}` } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
      expect(status).toBe(421);
      expect(await handshake(`ws://127.0.0.1:${local.server.port}/ws`, { Host: `attacker.example:${local.server.port}`, Origin: `http://attacker.example:${local.server.port}` })).toBe(421);
      counts.rebinding += 2;
      expect(await handshake(`ws://127.0.0.1:${local.server.port}/ws`, { Origin: 'http://evil.example' })).toBe(403);
      counts.foreignOrigin++;
      expect(local.server.token).toBeNull();
      const c = await local.connect();
      expect((await c.client.request('engine.info', {})).protocol).toBe(1);
    } finally {
      await local.close();
    }
  });
});
