import { readFile } from 'node:fs/promises';
import { resolveStaticPath, contentTypeOf } from '../engine/server/staticFiles.js';
import { securityHeaders } from '../engine/server/headers.js';
import { electronCsp } from './security.js';

/**
 * Serves the built renderer at tensorloom://app/…: only files inside `rendererDir`
 * (the same traversal-proof resolution as browser mode), each with the security
 * headers and the CSP.
 */
export function appProtocolHandler(rendererDir: string): (request: Request) => Promise<Response> {
  const headers = securityHeaders(electronCsp());
  return async (request) => {
    const url = new URL(request.url);
    const path = url.host === 'app' && request.method === 'GET' ? await resolveStaticPath(rendererDir, url.pathname) : null;
    if (!path) return new Response('not found', { status: 404, headers: { ...headers, 'Content-Type': 'text/plain' } });
    return new Response(await readFile(path), { status: 200, headers: { ...headers, 'Content-Type': contentTypeOf(path) } });
  };
}
