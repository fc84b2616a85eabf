/**
 * The Content-Security-Policy of every page of the app, in Electron and in browser
 * mode. Scripts only from the app itself (no inline script, no eval); the engine is
 * reached over the page's own WebSocket. Two allowances, both for Monaco: workers from
 * blob: URLs (it may start its language workers that way) and inline styles (it and
 * React Flow set style attributes and inject <style> elements). Fonts may be data:
 * URLs (small fonts inlined by the bundler).
 */
export function contentSecurityPolicy(options: { websocket?: string[]; connectSrc?: string[] } = {}): string {
  // Electron passes connectSrc ['self']: its page talks to the engine over IPC, not a socket.
  const connect = options.connectSrc ?? ["'self'", 'ws://127.0.0.1:*', 'ws://localhost:*', ...(options.websocket ?? [])];
  return [
    "default-src 'self'",
    "script-src 'self'",
    `connect-src ${connect.join(' ')}`,
    "worker-src 'self' blob:",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Headers sent with every HTTP response of the browser-mode server. */
export function securityHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=()',
  };
}
