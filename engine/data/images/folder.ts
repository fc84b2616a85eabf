import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isImageName } from './decode.js';

/** One class: its sub-folder's name and its image files (names, sorted). */
export interface ClassFolder {
  name: string;
  files: string[];
}

export type FolderScan =
  | { ok: true; classes: ClassFolder[]; count: number; skipped: string[] }
  | { ok: false; message: string };

/** Listings of class folders, keyed by path and the folder's modification time. */
const listings = new Map<string, { mtimeMs: number; images: string[]; skipped: string[] }>();
const MAX_LISTINGS = 256;

/** Plain code-unit order, the same on every machine and locale (as Python's sorted()). */
const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function listClass(dir: string): { images: string[]; skipped: string[] } {
  const mtimeMs = statSync(dir).mtimeMs;
  const hit = listings.get(dir);
  if (hit && hit.mtimeMs === mtimeMs) return hit;
  const images: string[] = [];
  const skipped: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isFile() && isImageName(e.name)) images.push(e.name);
    else if (!e.name.startsWith('.')) skipped.push(e.name);
  }
  images.sort(byCodeUnit);
  const entry = { mtimeMs, images, skipped };
  listings.set(dir, entry);
  if (listings.size > MAX_LISTINGS) listings.delete(listings.keys().next().value!);
  return entry;
}

/**
 * The classes of an image folder from file names alone (no image is opened): each
 * sub-folder is a class, sorted by name; its PNG and JPEG files are the examples.
 * Other files are skipped (and listed), hidden ones ignored. Throws what fs throws.
 */
export function scanFolder(root: string, shownPath: string): FolderScan {
  const entries = readdirSync(root, { withFileTypes: true });
  const subfolders = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort(byCodeUnit);
  const looseImages = entries.filter((e) => e.isFile() && isImageName(e.name)).length;
  if (subfolders.length < 2) {
    const found = subfolders.length === 0 ? 'has no sub-folders' : `has only one sub-folder ("${subfolders[0]}")`;
    const loose = looseImages > 0 ? ` (its ${looseImages} image${looseImages === 1 ? ' lies' : 's lie'} directly in it: move each class's images into a sub-folder of its own)` : '';
    return { ok: false, message: `the folder ${shownPath} ${found}${loose}: an image dataset needs one sub-folder per class, at least two classes` };
  }
  const classes: ClassFolder[] = [];
  const skipped: string[] = [];
  let count = 0;
  for (const name of subfolders) {
    const { images, skipped: other } = listClass(join(root, name));
    if (images.length === 0) {
      return { ok: false, message: `the class folder ${join(shownPath, name)} has no PNG or JPEG images${other.length ? ` (only ${other.slice(0, 3).join(', ')}${other.length > 3 ? ', …' : ''})` : ''}: add images or remove the folder` };
    }
    classes.push({ name, files: images });
    skipped.push(...other.map((f) => `${name}/${f}`));
    count += images.length;
  }
  return { ok: true, classes, count, skipped };
}
