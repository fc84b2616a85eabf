import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRequest, type Push, type Response } from '../../engine/protocol/messages.js';
import type { EngineToHost, HostToEngine } from '../../engine/service/engineChannel.js';
import { EngineHost, workerThreadEngine, type EngineChannel, type SpawnEngine } from '../../engine/service/workerHost.js';
import { spiralsGraph } from '../protocol/harness.js';

/**
 * The thread boundary between the engine host (server, Electron main) and the engine
 * worker. Junk is injected on each side of it: the receiving side refuses every piece
 * with an error, nothing of it reaches the engine's handlers or the page, and the
 * channel keeps working.
 */

const VALID_PUSH: Push = { type: 'engine', state: 'restarted', message: 'ok' };
const VALID_TRAIN_PUSH = { type: 'train', runId: 'run-1', event: { event: 'step', step: 3, epoch: 1, loss: 0.5, metrics: {}, elapsedMs: 1, etaMs: 2 } };

const JUNK: unknown[] = [null, undefined, 0, NaN, '', 'x'.repeat(5000), true, [], {}, [1, 2], new Date(0), new Uint8Array(4), new Map([[1, 2]]), 10n];
/** Numbers that are no request number (`seq`) or reply id. */
const BAD_NUMBERS: Record<string, number[]> = { seq: [0, -1, 1.5, NaN, Infinity], id: [1.5, NaN, Infinity] };

const kindOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/**
 * Ways to break a well-formed message: each key deleted, or given a value of another
 * type (or a number that is not a valid one), and, for the channel's own envelopes
 * (`strict`), an unknown key added.
 */
function mutations(valid: Record<string, unknown>, strict = true): unknown[] {
  const out: unknown[] = [];
  for (const key of Object.keys(valid)) {
    const { [key]: _dropped, ...rest } = valid;
    out.push(rest);
    for (const v of JUNK) if (kindOf(v) !== kindOf(valid[key])) out.push({ ...valid, [key]: v });
    for (const n of BAD_NUMBERS[key] ?? []) out.push({ ...valid, [key]: n });
  }
  if (strict) out.push({ ...valid, extra: 1 }, JSON.parse('{"__proto__": {"kind": "crash"}, "kind": "nope"}'));
  return out;
}

/** Whole-message junk: not an object, not a known kind, too deep, cyclic. */
function topLevelJunk(): unknown[] {
  let deep: unknown = { kind: 'request', seq: 1, message: null };
  for (let i = 0; i < 500; i++) deep = { kind: deep };
  const cyclic: Record<string, unknown> = { kind: 'ready' };
  cyclic.self = cyclic;
  return [null, undefined, 0, 42, '', 'crash', 'request', true, [], [{ kind: 'crash' }], {}, { kind: 'CRASH' }, { kind: 'crash ' }, { kind: 7 }, new Error('boom'), new Date(0), new Uint8Array(8), 123n, deep, cyclic];
}

describe('engine → host: what the host refuses', () => {
  function fakeEngine() {
    const listeners: ((m: unknown) => void)[] = [];
    const exits: ((reason: string) => void)[] = [];
    const posted: HostToEngine[] = [];
    const channel: EngineChannel = {
      post: (m) => void posted.push(m),
      onMessage: (l) => void listeners.push(l),
      onExit: (l) => void exits.push(l),
      terminate: async () => {},
    };
    return { channel, posted, fromEngine: (m: unknown) => listeners.forEach((l) => l(m)), exit: (why: string) => exits.forEach((l) => l(why)) };
  }

  it('refuses every malformed message from the engine with a reason, passes none on, and keeps working', async () => {
    const engine = fakeEngine();
    const pushes: Push[] = [];
    const reasons: string[] = [];
    const host = new EngineHost(() => engine.channel, (p) => pushes.push(p), { onRefused: (r) => reasons.push(r) });
    engine.fromEngine({ kind: 'ready' });

    const junk = [
      ...topLevelJunk(),
      ...mutations({ kind: 'ready' }),
      ...mutations({ kind: 'push', push: VALID_PUSH }),
      ...mutations({ kind: 'push', push: VALID_TRAIN_PUSH }),
      ...mutations(VALID_TRAIN_PUSH, false).map((push) => ({ kind: 'push', push })),
      ...mutations(VALID_PUSH as unknown as Record<string, unknown>, false).map((push) => ({ kind: 'push', push })),
      ...mutations({ kind: 'response', seq: 999, response: { id: 1, ok: true, result: null } }),
      ...mutations({ id: 1, ok: false, error: { code: 'x', message: 'y' } }, false).map((response) => ({ kind: 'response', seq: 999, response })),
      ...mutations({ kind: 'refused', message: 'x' }),
      { kind: 'refused', message: 'x'.repeat(2001) },
    ];
    for (const m of junk) engine.fromEngine(m);
    expect(pushes).toEqual([]);
    expect(host.refused.fromEngine).toBe(junk.length);
    expect(reasons).toHaveLength(junk.length);
    expect(reasons.every((r) => /^malformed message from the engine: \S/.test(r))).toBe(true);

    // A malformed reply to a request in flight answers it with an error instead of passing the junk on.
    const replies: Response[] = [];
    host.send({ id: 11, method: 'engine.info', params: {} }, (r) => replies.push(r));
    const seq = (engine.posted.at(-1) as { seq: number }).seq;
    engine.fromEngine({ kind: 'response', seq, response: { id: 11, ok: 'yes', result: 1 } });
    expect(replies).toEqual([{ id: 11, ok: false, error: { code: 'internal', message: 'the engine sent a malformed reply' } }]);

    // Well-formed messages still pass, and a reply carries the caller's id whatever the engine wrote.
    host.send({ id: 12, method: 'engine.info', params: {} }, (r) => replies.push(r));
    engine.fromEngine({ kind: 'response', seq: (engine.posted.at(-1) as { seq: number }).seq, response: { id: 999, ok: true, result: 'fine' } });
    engine.fromEngine({ kind: 'push', push: VALID_TRAIN_PUSH });
    expect(replies[1]).toEqual({ id: 12, ok: true, result: 'fine' });
    expect(pushes).toEqual([VALID_TRAIN_PUSH]);
    console.log(`reliability: worker channel, engine → host: ${junk.length} malformed messages refused by the host, 0 passed on to the page`);
    await host.close();
  });

  it('holds requests sent while the engine restarts and answers them from the new engine', async () => {
    const engines: ReturnType<typeof fakeEngine>[] = [];
    const spawn: SpawnEngine = () => {
      const e = fakeEngine();
      engines.push(e);
      return e.channel;
    };
    const pushes: Push[] = [];
    const host = new EngineHost(spawn, (p) => pushes.push(p), { restartDelayMs: 20 });
    engines[0].exit('exit code 1');
    expect(pushes.at(-1)).toMatchObject({ type: 'engine', state: 'crashed' });
    // Sent in the gap between the crash and the new engine: it must not go to the dead one.
    const reply = new Promise<Response>((resolve) => host.send({ id: 5, method: 'kinds.list', params: {} }, resolve));
    expect(engines[0].posted).toEqual([]);
    await expect.poll(() => engines.length).toBe(2);
    const forwarded = engines[1].posted.find((m) => m.kind === 'request') as Extract<HostToEngine, { kind: 'request' }>;
    expect(forwarded.message).toEqual({ id: 5, method: 'kinds.list', params: {} });
    engines[1].fromEngine({ kind: 'ready' } satisfies EngineToHost);
    engines[1].fromEngine({ kind: 'response', seq: forwarded.seq, response: { id: 5, ok: true, result: [] } } satisfies EngineToHost);
    await expect(reply).resolves.toEqual({ id: 5, ok: true, result: [] });
    expect(pushes.at(-1)).toMatchObject({ type: 'engine', state: 'restarted' });
    await host.close();
  });
});

describe('host → engine: what the engine worker refuses', () => {
  let root: string;
  let recoveryDir: string;
  let raw: EngineChannel;
  let host: EngineHost;
  const pushes: Push[] = [];
  const reasons: string[] = [];

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'tensorloom-channel-'));
    recoveryDir = join(root, 'recovery');
    mkdirSync(join(root, 'workspace'));
    const spawn = workerThreadEngine({ templatesDir: join(root, 'templates'), recoveryDir, workspaceDir: join(root, 'workspace') });
    // The test reaches past the host to the raw channel, as a bug in the host would.
    host = new EngineHost(() => (raw = spawn()), (p) => pushes.push(p), { onRefused: (r) => reasons.push(r) });
  });
  afterAll(async () => {
    await host?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('refuses malformed envelopes in the worker before the service sees them, and stays up', async () => {
    // Each would write the recovery file or start a run if it reached the service.
    const save = { id: 1, method: 'recovery.save', params: { key: 'leak', text: 'should never be written' } };
    const train = { id: 2, method: 'train.start', params: { graph: spiralsGraph() } };
    const junk = [
      ...topLevelJunk(),
      // (A request whose `message` is junk is a well-formed envelope: the service answers it, see below.)
      ...mutations({ kind: 'request', seq: 900001, message: save }).filter((m) => !isWellFormedRequest(m)),
      ...mutations({ kind: 'request', seq: 900002, message: train }).filter((m) => !isWellFormedRequest(m)),
      ...mutations({ kind: 'crash' }),
    ];
    for (const m of junk) raw.post(m as HostToEngine);
    await expect.poll(() => host.refused.byEngine, { timeout: 20_000 }).toBe(junk.length);
    expect(reasons).toHaveLength(junk.length);
    expect(reasons.every((r) => /^malformed message from the host: \S/.test(r))).toBe(true);

    // The engine is up (no crash), nothing was written, nothing started training.
    const info = await host.request({ id: 3, method: 'engine.info', params: {} });
    expect(info).toMatchObject({ id: 3, ok: true });
    expect(existsSync(recoveryDir) ? readdirSync(recoveryDir) : []).toEqual([]);
    expect(pushes).toEqual([]);
    // The same save, well formed, does write: the check above could see a leak.
    expect(await host.request(save)).toEqual({ id: 1, ok: true, result: { saved: true } });
    expect(readdirSync(recoveryDir)).toHaveLength(1);
    console.log(`reliability: worker channel, host → engine: ${junk.length} malformed messages refused by the engine worker, 0 reached the service, the worker stayed up`);
  });

  it('refuses malformed requests with the very message the transports give (one schema, both sides)', async () => {
    const requests = [
      ...mutations({ id: 20, method: 'recovery.save', params: { key: 'k2', text: 'never' } }, false),
      ...mutations({ id: 21, method: 'train.start', params: { graph: spiralsGraph(), backend: 'quantum' } }, false),
      { id: 22, method: 'fs.delete', params: {} },
      { id: 23, method: 'train.stop', params: { runId: '../../etc/passwd' } },
      { id: 24, method: 'files.write', params: { name: '../escape.loom.json', text: '{}' } },
      { id: 25, method: 'recovery.save', params: { key: 'k', text: 'x', extra: { deep: [1, 2, 3] } } },
    ].filter((r) => !checkRequest(r).ok);
    let sameMessage = 0;
    for (const request of requests) {
      const transport = checkRequest(request);
      if (transport.ok) continue;
      // Sent straight to the host, past the transports' own check.
      const reply = await host.request(request as { id: number; method: string });
      expect(reply.ok, transport.message).toBe(false);
      expect((reply as Extract<Response, { ok: false }>).error).toEqual({ code: 'bad-request', message: transport.message });
      sameMessage++;
    }
    expect(sameMessage).toBe(requests.length);
    expect(readdirSync(recoveryDir)).toHaveLength(1); // only the well-formed save of the test above
    expect(pushes.filter((p) => p.type === 'train')).toEqual([]);
    console.log(`reliability: worker channel: ${requests.length} malformed requests sent past the transport were refused by the engine with the transport's own message`);
  });
});

function isWellFormedRequest(m: unknown): boolean {
  if (m === null || typeof m !== 'object') return false;
  const r = m as Record<string, unknown>;
  const keys = Object.keys(r).sort().join(',');
  return keys === 'kind,message,seq' && r.kind === 'request' && Number.isSafeInteger(r.seq) && (r.seq as number) >= 1;
}
