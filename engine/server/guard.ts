import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Host names that only reach this machine. */
const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_NAMES.has(host.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export interface GuardOptions {
  /** Listening beyond loopback (with --expose): the token is then required. */
  exposed: boolean;
  token: string | null;
}

export type Admission = { ok: true } | { ok: false; status: number; reason: string };

/** The host part of a Host header (`127.0.0.1:7400` → `127.0.0.1`, `[::1]:80` → `[::1]`). */
export function hostName(hostHeader: string): string {
  const m = /^(\[[^\]]*\]|[^:]*)(?::\d+)?$/.exec(hostHeader.trim());
  return m ? m[1] : hostHeader;
}

/**
 * Whether a request may reach the app. On loopback the Host header must name this
 * machine (a web page that rebinds its own domain to 127.0.0.1 sends its own name,
 * and is refused). Exposed, the access token is required instead.
 */
export function checkHost(req: IncomingMessage, options: GuardOptions): Admission {
  const host = req.headers.host;
  if (!host) return { ok: false, status: 400, reason: 'missing Host header' };
  if (!options.exposed && !isLoopbackHost(hostName(host))) return { ok: false, status: 421, reason: `this server answers on localhost only, not "${host}"` };
  return { ok: true };
}

/**
 * Whether a WebSocket handshake may open a connection to the engine: the Host as
 * above; an Origin, when the client sends one (every browser does), must be this
 * server's own page; exposed, the URL must carry the access token.
 */
export function checkUpgrade(req: IncomingMessage, options: GuardOptions): Admission {
  const host = checkHost(req, options);
  if (!host.ok) return host;
  const origin = req.headers.origin;
  if (origin !== undefined) {
    let parsed: URL | null = null;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = null;
    }
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.host !== req.headers.host) {
      return { ok: false, status: 403, reason: `connections from other pages are refused (Origin ${origin.slice(0, 100)})` };
    }
  }
  if (options.exposed) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const given = url.searchParams.get('token') ?? '';
    if (!options.token || !sameSecret(given, options.token)) return { ok: false, status: 401, reason: 'a valid access token is required' };
  }
  return { ok: true };
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Messages per second per connection, as a token bucket: bursts up to `rate` pass
 * (the app sends a handful at start-up), a sustained flood runs dry.
 */
export class RateLimiter {
  private tokens: number;
  private last: number;

  constructor(private rate: number, private now: () => number = Date.now) {
    this.tokens = rate;
    this.last = now();
  }

  take(): boolean {
    const t = this.now();
    this.tokens = Math.min(this.rate, this.tokens + ((t - this.last) / 1000) * this.rate);
    this.last = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
