import { randomBytes } from 'node:crypto';
import { appendFile, lstat, mkdir, readdir, realpath, rename, rm, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { MAX_IMPORT_BYTES, type DataImportResult, type RequestParams } from '../protocol/messages.js';
import { writeFileAtomic } from '../util/atomicWrite.js';
import { ServiceError } from './serviceError.js';

/** The workspace's sub-folder that imported data goes into. */
export const DATA_FOLDER = 'data';
/** Staging folders of imports in progress start with this (hidden, so no listing shows them). */
const STAGING_PREFIX = '.importing-';
/** An import that has not moved for this long is dropped (the page that sent it is gone). */
const IDLE_MS = 10 * 60 * 1000;
const MAX_OPEN_IMPORTS = 4;

interface Session {
  id: string;
  kind: 'csv' | 'images';
  name: string;
  staging: string;
  files: number;
  bytes: number;
  seen: Set<string>;
  received: number;
  lastFile: string | null;
  touched: number;
  /** Messages of one import are applied one after another, in the order they came. */
  queue: Promise<unknown>;
}

function megabytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 ** 2) return `${Math.ceil(bytes / 1024 ** 2)} MB`;
  return bytes >= 1024 ? `${Math.ceil(bytes / 1024)} kB` : `${bytes} bytes`;
}

/**
 * Imports of user data into the workspace's `data/` folder. Everything of one import is
 * written into a hidden staging folder first and moved into place by a rename at the
 * end, so a dataset path never shows a half-copied folder or file, and an import that
 * fails or is abandoned leaves nothing behind but its staging folder (removed later).
 * Names were checked by the protocol's schema; every path is checked again here
 * against the resolved `data/` folder (symlinks included).
 */
export class DataImports {
  private sessions = new Map<string, Session>();

  constructor(private workspaceDir: string) {}

  async begin({ name, kind, files, bytes }: RequestParams<'data.importBegin'>): Promise<{ importId: string }> {
    if (bytes > MAX_IMPORT_BYTES[kind]) {
      throw new ServiceError('too-large', `${kind === 'csv' ? 'the CSV file is' : 'the pictures add up to'} ${megabytes(bytes)}; imports of up to ${megabytes(MAX_IMPORT_BYTES[kind])} are accepted`);
    }
    if (kind === 'csv' && files !== 1) throw new ServiceError('bad-request', 'a CSV import is one file');
    await this.dropIdle();
    if (this.sessions.size >= MAX_OPEN_IMPORTS) throw new ServiceError('busy', `${MAX_OPEN_IMPORTS} imports are already under way: wait for one to finish`);
    const dataDir = await this.dataDir();
    const id = randomBytes(8).toString('hex');
    const staging = join(dataDir, `${STAGING_PREFIX}${id}`);
    await mkdir(staging);
    this.sessions.set(id, { id, kind, name, staging, files, bytes, seen: new Set(), received: 0, lastFile: null, touched: Date.now(), queue: Promise.resolve() });
    return { importId: id };
  }

  file(params: RequestParams<'data.importFile'>): Promise<{ bytes: number }> {
    const session = this.session(params.importId);
    const next = session.queue.then(() => this.write(session, params));
    session.queue = next.catch(() => {});
    return next;
  }

  async end({ importId }: RequestParams<'data.importEnd'>): Promise<DataImportResult> {
    const session = this.session(importId);
    await session.queue;
    this.sessions.delete(importId);
    try {
      if (session.seen.size === 0) throw new ServiceError('bad-request', 'the import received no file');
      const dataDir = await this.dataDir();
      const entry = session.kind === 'csv' ? `${session.name}.csv` : session.name;
      const target = join(dataDir, entry);
      let replaced = false;
      const existing = await lstat(target).catch(() => null);
      if (session.kind === 'csv') {
        if (existing?.isDirectory()) throw new ServiceError('conflict', `data/${entry} is a folder: choose another name`);
        replaced = existing !== null;
        // rename() replaces a file in one step.
        await rename(join(session.staging, entry), target);
      } else {
        if (existing && !existing.isDirectory()) throw new ServiceError('conflict', `data/${entry} is a file: choose another name`);
        if (existing) {
          // A folder cannot be swapped in one step: move the old one aside, the new one in, then delete the old.
          const aside = join(dataDir, `${STAGING_PREFIX}${session.id}-old`);
          await rename(target, aside);
          await rename(join(session.staging, entry), target);
          await rm(aside, { recursive: true, force: true });
          replaced = true;
        } else {
          await rename(join(session.staging, entry), target);
        }
      }
      return { path: `${DATA_FOLDER}/${entry}`, files: session.seen.size, bytes: session.received, replaced };
    } finally {
      await rm(session.staging, { recursive: true, force: true });
    }
  }

  async cancel({ importId }: RequestParams<'data.importCancel'>): Promise<{ cancelled: boolean }> {
    const session = this.sessions.get(importId);
    if (!session) return { cancelled: false };
    this.sessions.delete(importId);
    await session.queue;
    await rm(session.staging, { recursive: true, force: true });
    return { cancelled: true };
  }

  /** Removes every staging folder (engine shutdown). */
  async dispose(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(all.map((s) => s.queue.then(() => rm(s.staging, { recursive: true, force: true }))));
  }

  private session(id: string): Session {
    const session = this.sessions.get(id);
    if (!session) throw new ServiceError('not-found', 'no such import (it finished, was cancelled, or was idle for too long): start the import again');
    session.touched = Date.now();
    return session;
  }

  private async write(session: Session, params: RequestParams<'data.importFile'>): Promise<{ bytes: number }> {
    const fail = async (code: string, message: string): Promise<never> => {
      this.sessions.delete(session.id);
      await rm(session.staging, { recursive: true, force: true });
      throw new ServiceError(code, `${message}; the import was cancelled`);
    };
    if (!this.sessions.has(session.id)) throw new ServiceError('not-found', 'the import was cancelled');
    let rel: string;
    if (session.kind === 'csv') {
      if (params.file !== undefined) return fail('bad-request', 'a CSV import takes no file name (it is saved as <name>.csv)');
      rel = `${session.name}.csv`;
    } else {
      if (params.file === undefined) return fail('bad-request', 'each picture needs its class/file name');
      rel = join(session.name, ...params.file.split('/'));
    }
    const path = join(session.staging, rel);
    if (!inside(session.staging, path)) return fail('forbidden', `"${params.file}" is outside the import`);
    const data = params.text !== undefined ? Buffer.from(params.text, 'utf8') : Buffer.from(params.base64!, 'base64');
    if (session.received + data.length > session.bytes) {
      return fail('too-large', `the files are larger than the ${megabytes(session.bytes)} announced`);
    }
    const key = params.file ?? '';
    if (params.append) {
      if (session.lastFile !== key) return fail('bad-request', `a chunk for "${key || rel}" came after another file: send each file's chunks together`);
      await appendFile(path, data);
    } else {
      if (session.seen.has(key)) return fail('conflict', `"${key || rel}" was sent twice`);
      if (session.seen.size >= session.files) return fail('bad-request', `more files than the ${session.files} announced`);
      await mkdir(dirname(path), { recursive: true });
      // A whole file per message (the common case) is written atomically; chunks of a large one are appended.
      await writeFileAtomic(path, data);
      session.seen.add(key);
      session.lastFile = key;
    }
    session.received += data.length;
    session.touched = Date.now();
    return { bytes: data.length };
  }

  /** The workspace's data folder, created if need be; refused if it leads outside the workspace. */
  private async dataDir(): Promise<string> {
    await mkdir(this.workspaceDir, { recursive: true });
    const root = await realpath(this.workspaceDir);
    const dir = join(root, DATA_FOLDER);
    await mkdir(dir, { recursive: true });
    const real = await realpath(dir);
    if (!inside(root, real)) throw new ServiceError('forbidden', `the workspace's ${DATA_FOLDER} folder links outside the workspace`);
    if (!(await stat(real)).isDirectory()) throw new ServiceError('forbidden', `the workspace's ${DATA_FOLDER} is not a folder`);
    return real;
  }

  /** Drops imports idle for too long, and staging folders a crashed engine left behind. */
  private async dropIdle(): Promise<void> {
    const now = Date.now();
    for (const s of [...this.sessions.values()]) {
      if (now - s.touched > IDLE_MS) {
        this.sessions.delete(s.id);
        await rm(s.staging, { recursive: true, force: true });
      }
    }
    const dir = join(this.workspaceDir, DATA_FOLDER);
    const names = await readdir(dir).catch(() => [] as string[]);
    const live = new Set([...this.sessions.values()].map((s) => s.staging));
    for (const name of names) {
      if (!name.startsWith(STAGING_PREFIX)) continue;
      const path = join(dir, name);
      const info = await stat(path).catch(() => null);
      if (info && !live.has(path) && now - info.mtimeMs > IDLE_MS) await rm(path, { recursive: true, force: true });
    }
  }
}

function inside(root: string, path: string): boolean {
  const rel = relative(resolve(root), resolve(path));
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}
