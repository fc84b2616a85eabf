import Papa from 'papaparse';
import { closeSync, openSync, readSync } from 'node:fs';
import { closestName } from '../../util/closest.js';
import { guessDelimiter } from './delimiter.js';

/** The delimiter param's options; 'auto' picks the most frequent candidate in the first line. */
export const DELIMITERS = ['auto', ',', ';', 'tab', '|', 'space'] as const;
const DELIMITER_CHARS: Record<string, string> = { ',': ',', ';': ';', tab: '\t', '|': '|', space: ' ' };

export interface CsvOptions {
  /** The path as the user wrote it, for messages. */
  shownPath: string;
  label: string;
  delimiter: string;
  header: boolean;
  /** Columns that are neither features nor the label (an id, free text); numbers when header is off. */
  ignore?: string[];
  /** Feature columns holding categories, one-hot encoded; numbers when header is off. */
  categorical?: string[];
}

/** A column-list param's text (ignore, categorical) as column names: comma-separated, blanks dropped. */
export function columnList(text: string): string[] {
  return text
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '');
}

/** What the first line says about the table, or why it cannot be used. */
export type HeaderInfo =
  | {
      ok: true;
      delimiter: string;
      columns: string[];
      labelIndex: number;
      /** Every feature column in file order, categorical ones included. */
      featureIndices: number[];
      /** The feature columns to one-hot encode (a subset of featureIndices, in file order). */
      categoricalIndices: number[];
    }
  | { ok: false; message: string; param: 'path' | 'label' | 'ignore' | 'categorical' };

/** A problem located in the file, "data.csv line 4, column 2 ("age"): …", lines and columns 1-based. */
export function located(shownPath: string, line: number, column: number | null, columnName: string | null, message: string): string {
  const where = column === null ? `line ${line}` : `line ${line}, column ${column}${columnName !== null ? ` ("${columnName}")` : ''}`;
  return `${shownPath} ${where}: ${message}`;
}

/** Cells read as missing, in numeric and categorical columns alike (compared lower-cased, trimmed). */
export const MISSING = new Set(['', 'na', 'n/a', 'nan', 'null', 'none', '?']);

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The delimiter to use: the one asked for, or the most frequent candidate outside quotes in the first line. */
export function chooseDelimiter(asked: string, firstLine: string): string {
  if (asked !== 'auto') return DELIMITER_CHARS[asked] ?? ',';
  return guessDelimiter(firstLine);
}

/**
 * Reads the file's header (its first line and where the label column is) from the
 * first line alone: shape inference calls this on every edit, so it never reads the
 * whole file (categorical columns' values are read separately, see scan.ts).
 */
export function inspectHeader(firstLine: string, options: CsvOptions): HeaderInfo {
  const { shownPath } = options;
  if (firstLine.trim() === '') {
    return { ok: false, param: 'path', message: located(shownPath, 1, null, null, `the first line is blank: it must be ${options.header ? 'the header row' : 'a data row'}`) };
  }
  const delimiter = chooseDelimiter(options.delimiter, firstLine);
  const fields = (Papa.parse<string[]>(firstLine, { delimiter }).data[0] ?? []).map((f) => f.trim());
  const columns = options.header ? fields : fields.map((_, i) => String(i + 1));
  if (options.header) {
    const empty = columns.findIndex((c) => c === '');
    if (empty >= 0) return { ok: false, param: 'path', message: located(shownPath, 1, empty + 1, null, 'the header has an empty column name') };
    const seen = new Map<string, number>();
    for (let i = 0; i < columns.length; i++) {
      const first = seen.get(columns[i]);
      if (first !== undefined) {
        return { ok: false, param: 'path', message: located(shownPath, 1, i + 1, columns[i], `the column name repeats column ${first + 1}: column names must be unique`) };
      }
      seen.set(columns[i], i);
    }
  }
  const labelIndex = columns.indexOf(options.label.trim());
  if (labelIndex < 0) {
    const guess = closestName(options.label, columns);
    const list = columns.length > 30 ? `${columns.slice(0, 30).join(', ')}, … (${columns.length} in all)` : columns.join(', ');
    const what = options.header ? `there is no column named "${options.label}"` : `with header=false, label must be a column number from 1 to ${columns.length}, got "${options.label}"`;
    const text = `${what}${guess ? ` (did you mean "${guess}"?)` : ''}; the columns are: ${list}`;
    return { ok: false, param: 'label', message: options.header ? located(shownPath, 1, null, null, text) : `${shownPath}: ${text}` };
  }
  if (columns.length < 2) return { ok: false, param: 'label', message: `${shownPath}: the file has only the label column "${columns[labelIndex]}", and no feature columns` };
  const ignored = new Set<number>();
  for (const name of options.ignore ?? []) {
    const index = columns.indexOf(name);
    if (index < 0) {
      const guess = closestName(name, columns);
      return { ok: false, param: 'ignore', message: `${shownPath}: cannot ignore "${name}": there is no such column${guess ? ` (did you mean "${guess}"?)` : ''}` };
    }
    if (index === labelIndex) return { ok: false, param: 'ignore', message: `${shownPath}: "${name}" is the label column and cannot be ignored` };
    ignored.add(index);
  }
  const categorical = new Set<number>();
  for (const name of options.categorical ?? []) {
    const index = columns.indexOf(name);
    if (index < 0) {
      const guess = closestName(name, columns);
      return { ok: false, param: 'categorical', message: `${shownPath}: cannot one-hot encode "${name}": there is no such column${guess ? ` (did you mean "${guess}"?)` : ''}` };
    }
    if (index === labelIndex) return { ok: false, param: 'categorical', message: `${shownPath}: "${name}" is the label column: its classes are numbered already, it cannot also be a categorical feature` };
    if (ignored.has(index)) return { ok: false, param: 'categorical', message: `${shownPath}: "${name}" is both ignored and categorical: remove it from one of the two lists` };
    categorical.add(index);
  }
  const featureIndices = columns.map((_, i) => i).filter((i) => i !== labelIndex && !ignored.has(i));
  if (featureIndices.length === 0) return { ok: false, param: 'ignore', message: `${shownPath}: every column but the label is ignored: keep at least one feature column` };
  return { ok: true, delimiter, columns, labelIndex, featureIndices, categoricalIndices: featureIndices.filter((i) => categorical.has(i)) };
}

const CHUNK = 64 * 1024;
const MAX_HEADER_BYTES = 4 * 1024 * 1024;

/**
 * The first line of a file, read synchronously in small chunks. `empty` is true when
 * the whole file is blank. Throws what fs throws (ENOENT and the like).
 */
export function readFirstLine(path: string): { line: string; empty: boolean } {
  const fd = openSync(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.alloc(CHUNK);
      const n = readSync(fd, buf, 0, CHUNK, total);
      chunks.push(buf.subarray(0, n));
      total += n;
      const newline = n > 0 ? buf.subarray(0, n).indexOf(0x0a) : -1;
      if (n === 0 || newline >= 0 || total >= MAX_HEADER_BYTES) break;
    }
    const text = stripBom(Buffer.concat(chunks).toString('utf8'));
    const end = text.indexOf('\n');
    const line = (end >= 0 ? text.slice(0, end) : text).replace(/\r$/, '');
    return { line, empty: text.trim() === '' };
  } finally {
    closeSync(fd);
  }
}
