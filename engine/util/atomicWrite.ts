import * as fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/**
 * Replaces a file so that a reader, or the file after a crash or kill, sees the old
 * content or the new one, never a mix: the data goes to a temporary file in the same
 * directory (a rename is only atomic within one file system), is fsynced, then renamed
 * over the target; the directory is fsynced so the rename itself survives a power cut.
 *
 * The target is replaced as a directory entry: a symlink there is replaced, not followed.
 * A process killed mid-write leaves its temporary file behind (`.<name>.<pid>.<hex>.tmp`,
 * hidden, beside the target): nothing can clean up after SIGKILL.
 */
export type FileData = string | Uint8Array;

export interface AtomicWriteOptions {
  /** File mode of a newly created file (default 0o666 less the umask). */
  mode?: number;
}

export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

export async function writeFileAtomic(path: string, data: FileData, options: AtomicWriteOptions = {}): Promise<void> {
  const temp = tempPathFor(path);
  try {
    const handle = await fs.promises.open(temp, 'wx', options.mode);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await renameWithRetry(temp, path);
  } catch (err) {
    await fs.promises.rm(temp, { force: true }).catch(() => {});
    throw err;
  }
  await fsyncDirectory(dirname(path));
}

export function writeFileAtomicSync(path: string, data: FileData, options: AtomicWriteOptions = {}): void {
  const temp = tempPathFor(path);
  try {
    const fd = fs.openSync(temp, 'wx', options.mode);
    try {
      fs.writeFileSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, path);
  } catch (err) {
    try {
      fs.rmSync(temp, { force: true });
    } catch {
      // The original error matters more than a leftover temporary file.
    }
    throw err;
  }
  fsyncDirectorySync(dirname(path));
}

/**
 * Makes a directory's entries (renames, new files) durable. Windows cannot open a
 * directory for fsync and needs none for this; elsewhere a file system that refuses
 * (EINVAL, EISDIR on some) is skipped too: the data is in place either way, only its
 * survival of a power cut is less certain.
 */
export async function fsyncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(dir, 'r');
    await handle.sync();
  } catch {
    // See above: not fatal.
  } finally {
    await handle?.close().catch(() => {});
  }
}

export function fsyncDirectorySync(dir: string): void {
  if (process.platform === 'win32') return;
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // See fsyncDirectory: not fatal.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * On Windows a rename over a file that another process (an indexer, an antivirus, a
 * reader) holds open fails for a moment with EPERM/EACCES/EBUSY: retry briefly there.
 */
export async function renameWithRetry(from: string, to: string): Promise<void> {
  const transient = new Set(['EPERM', 'EACCES', 'EBUSY']);
  for (let attempt = 0; ; attempt++) {
    try {
      await fs.promises.rename(from, to);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (process.platform !== 'win32' || !transient.has(code) || attempt >= 10) throw err;
      await new Promise((resolve) => setTimeout(resolve, 20 * (attempt + 1)));
    }
  }
}
