import { readFileSync, statSync } from 'node:fs';
import { CategoryCollector } from './categories.js';
import { located, stripBom, type HeaderInfo } from './header.js';
import { forEachRow } from './rows.js';

/** How many located problems a scan lists before the rest is only counted (as the loader). */
const MAX_LISTED = 10;
/** Scans kept: a few graphs with a few column choices each. */
const MAX_CACHED = 32;

export type CategoryScan =
  | { ok: true; categories: string[][] }
  | { ok: false; problems: { param: 'path' | 'categorical'; message: string }[] };

interface Cached {
  size: number;
  mtimeMs: number;
  scan: CategoryScan;
}

/** Scans by file and the choices that shape them; a hit needs the same size and mtime too. */
const cache = new Map<string, Cached>();

/**
 * The sorted categories of the header's categorical columns, read from the whole file.
 * Shape inference needs them (the number of features depends on them) and runs on
 * every edit, so a scan is kept per (absolute path, size, mtime): an unchanged file is
 * read once; an edited one changes the key. Only the categorical cells are looked at;
 * ragged rows and bad quotes are left for the loader to report. Throws what fs throws.
 */
export function scanCategories(fullPath: string, shownPath: string, head: Extract<HeaderInfo, { ok: true }>, header: boolean): CategoryScan {
  const { size, mtimeMs } = statSync(fullPath);
  const key = [fullPath, shownPath, head.delimiter, header, head.categoricalIndices.join(' ')].join('\n');
  const hit = cache.get(key);
  if (hit && hit.size === size && hit.mtimeMs === mtimeMs) return hit.scan;

  const text = stripBom(readFileSync(fullPath, 'utf8'));
  const collector = new CategoryCollector(head.categoricalIndices);
  const messages: string[] = [];
  let more = 0;
  forEachRow(text, head.delimiter, header, (row) => {
    if (row.badQuotes || row.fields.length !== head.columns.length) return;
    collector.read(row.fields, (c, message) => {
      if (messages.length < MAX_LISTED) messages.push(located(shownPath, row.line, c + 1, head.columns[c], message));
      else more++;
    });
  });
  let scan: CategoryScan;
  if (messages.length > 0) {
    const problems = messages.map((message) => ({ param: 'path' as const, message }));
    if (more > 0) problems.push({ param: 'path', message: `${shownPath}: … and ${more} more problem${more === 1 ? '' : 's'}` });
    scan = { ok: false, problems };
  } else {
    const { categories, problems } = collector.finish(shownPath, head.columns);
    scan = problems.length > 0 ? { ok: false, problems: problems.map((message) => ({ param: 'categorical' as const, message })) } : { ok: true, categories };
  }
  cache.delete(key); // re-inserted last: the oldest entry is the first to go
  cache.set(key, { size, mtimeMs, scan });
  if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value!);
  return scan;
}
