import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { DEFAULT_PORT, startServer } from '../../server/server.js';
import { defaultWorkspaceDir } from '../../service/paths.js';

const USAGE = 'usage: tensorloom serve [--port P] [--host H] [--expose] [--workspace DIR]';

/**
 * `tensorloom serve`: the app in any browser. Prints the URL and serves until Ctrl+C.
 * Returns only on a usage or start-up error.
 */
export async function runServe(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: { port: { type: 'string' }, host: { type: 'string' }, expose: { type: 'boolean' }, workspace: { type: 'string' } },
      allowPositionals: false,
      strict: true,
    }));
  } catch (err) {
    console.error(`tensorloom serve: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`tensorloom serve: --port must be a port number (0-65535), got "${values.port}"\n${USAGE}`);
    return 2;
  }
  const server = await serveAndReport({ port, host: values.host, expose: values.expose, workspaceDir: values.workspace });
  if (!server) return 1;
  await new Promise<void>((done) => {
    const stop = () => void server.close().finally(done);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}

/**
 * Starts the server and prints where it is; null (with the reason printed) if it cannot
 * start. With `anyFreePort`, a port in use is replaced by a free one (npm start).
 */
export async function serveAndReport(options: { port?: number; host?: string; expose?: boolean; workspaceDir?: string; anyFreePort?: boolean }) {
  const workspaceDir = resolve(options.workspaceDir ?? defaultWorkspaceDir());
  let server;
  try {
    try {
      server = await startServer({ ...options, workspaceDir });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || !options.anyFreePort) throw err;
      server = await startServer({ ...options, port: 0, workspaceDir });
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'EADDRINUSE' ? `port ${options.port} is in use (another Tensorloom?); pick another with --port` : e.message;
    console.error(`tensorloom serve: ${why}`);
    return null;
  }
  console.log(`Tensorloom is running at ${server.url}`);
  for (const other of server.otherUrls) console.log(`  also at ${other}`);
  if (server.token) console.log('Anyone with this URL (it carries the access token) can use the app and its files; stop with Ctrl+C.');
  console.log(`Graph files are saved in ${workspaceDir}`);
  if (!server.rendererBuilt) console.log(`The page is not built yet: run \`npm run build\` (it goes to ${server.rendererDir}), then reload.`);
  return server;
}
