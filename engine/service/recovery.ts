import { createHash } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomicWrite.js';

/**
 * Autosave of the open graph, one file per key (a document's path or "untitled"), so
 * that after a crash or kill the work comes back. Writes are atomic: the recovery file
 * is always a whole earlier autosave, never a torn one. Keys are hashed into file
 * names, so no key can name a path outside the recovery folder.
 */
export class RecoveryStore {
  constructor(private dir: string) {}

  async save(key: string, text: string): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const record = JSON.stringify({ key, savedAt: Date.now(), text });
    await writeFileAtomic(this.fileFor(key), record, { mode: 0o600 });
  }

  async load(key: string): Promise<{ text: string | null; savedAt: number | null }> {
    let raw: string;
    try {
      raw = await readFile(this.fileFor(key), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { text: null, savedAt: null };
      throw err;
    }
    try {
      const record = JSON.parse(raw) as { key?: unknown; savedAt?: unknown; text?: unknown };
      if (record.key !== key || typeof record.text !== 'string') return { text: null, savedAt: null };
      return { text: record.text, savedAt: typeof record.savedAt === 'number' ? record.savedAt : null };
    } catch {
      return { text: null, savedAt: null };
    }
  }

  async clear(key: string): Promise<boolean> {
    try {
      await rm(this.fileFor(key));
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }

  fileFor(key: string): string {
    return join(this.dir, `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.json`);
  }
}
