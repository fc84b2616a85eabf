import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { checkUpgrade, hostName, isLoopbackHost, RateLimiter } from './guard.js';

const req = (url: string, headers: Record<string, string>) => ({ url, headers }) as unknown as IncomingMessage;

describe('connection guard', () => {
  it('knows loopback names, with and without ports', () => {
    expect(['127.0.0.1', 'localhost', '[::1]', '127.1.2.3'].every(isLoopbackHost)).toBe(true);
    expect(['0.0.0.0', '192.168.1.4', 'localhost.evil.example'].some(isLoopbackHost)).toBe(false);
    expect(hostName('127.0.0.1:7400')).toBe('127.0.0.1');
    expect(hostName('[::1]:80')).toBe('[::1]');
  });

  it('admits the own page and refuses foreign origins, rebinding hosts and missing tokens', () => {
    const local = { exposed: false, token: null };
    expect(checkUpgrade(req('/ws', { host: '127.0.0.1:7400', origin: 'http://127.0.0.1:7400' }), local)).toEqual({ ok: true });
    expect(checkUpgrade(req('/ws', { host: '127.0.0.1:7400' }), local)).toEqual({ ok: true });
    expect(checkUpgrade(req('/ws', { host: '127.0.0.1:7400', origin: 'http://localhost:7400' }), local)).toMatchObject({ ok: false, status: 403 });
    expect(checkUpgrade(req('/ws', { host: 'rebound.example:7400', origin: 'http://rebound.example:7400' }), local)).toMatchObject({ ok: false, status: 421 });
    const exposed = { exposed: true, token: 'secret-token' };
    expect(checkUpgrade(req('/ws?token=secret-token', { host: '10.0.0.2:7400', origin: 'http://10.0.0.2:7400' }), exposed)).toEqual({ ok: true });
    expect(checkUpgrade(req('/ws?token=secret-tokem', { host: '10.0.0.2:7400' }), exposed)).toMatchObject({ ok: false, status: 401 });
    expect(checkUpgrade(req('/ws', { host: '10.0.0.2:7400' }), exposed)).toMatchObject({ ok: false, status: 401 });
  });

  it('lets a burst through and refuses a sustained flood, recovering with time', () => {
    let now = 0;
    const limiter = new RateLimiter(200, () => now);
    let passed = 0;
    for (let i = 0; i < 1000; i++) if (limiter.take()) passed++;
    expect(passed).toBe(200);
    now = 100; // 0.1 s later: 20 more
    passed = 0;
    for (let i = 0; i < 100; i++) if (limiter.take()) passed++;
    expect(passed).toBe(20);
  });
});
