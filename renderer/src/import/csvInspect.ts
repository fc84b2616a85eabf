import Papa from 'papaparse';
import { guessDelimiter } from '../../../engine/data/csv/delimiter.js';

export type ColumnType = 'number' | 'category' | 'text';
/** 'onehot': a feature column of categories, one 0/1 feature per distinct value (the csv dataset's `categorical`). */
export type ColumnRole = 'feature' | 'onehot' | 'ignore' | 'label';

export interface CsvColumn {
  name: string;
  type: ColumnType;
  /** Distinct non-missing values (counted up to MAX_DISTINCT + 1). */
  distinct: number;
  /** Cells that are empty or NA-like. */
  missing: number;
  /** The first line (1-based, the header is line 1) with a missing value, for the message. */
  firstMissingLine: number | null;
  /** Numbers only: every value is a whole number. */
  integer: boolean;
}

export interface CsvInspection {
  columns: CsvColumn[];
  /** The first rows as text, for the preview table. */
  head: string[][];
  rowCount: number;
  /** The engine's name of the delimiter (its `delimiter` param). */
  delimiter: ',' | ';' | 'tab' | '|' | 'space';
}

export type CsvInspectResult = { ok: true; csv: CsvInspection } | { ok: false; message: string };

/** The values the engine reads as missing (engine/data/csv/header.ts MISSING). */
const MISSING = new Set(['', 'na', 'n/a', 'nan', 'null', 'none', '?']);
const MAX_DISTINCT = 1000;
/** Text columns with at most this many values (or few per row) read as categories. */
const CATEGORY_LIMIT = 20;
/** The engine's cap on categories per one-hot column (engine/data/csv/categories.ts MAX_CATEGORIES). */
export const MAX_CATEGORIES = 256;
/** Text columns (values mostly unique per row) may still be one-hot up to this many values. */
export const TEXT_ONEHOT_LIMIT = 50;
const HEAD_ROWS = 8;
const DELIMITER_NAMES: Record<string, CsvInspection['delimiter']> = { ',': ',', ';': ';', '\t': 'tab', '|': '|', ' ': 'space' };

/**
 * Reads a CSV text as the import dialog shows it: the header, the first rows, and
 * per column its inferred type (number, category, or free text) and missing cells.
 * A problem the engine would refuse the file for (a ragged row, an open quote) is
 * returned with its line number instead.
 */
export function inspectCsv(rawText: string): CsvInspectResult {
  const text = rawText.charCodeAt(0) === 0xfeff ? rawText.slice(1) : rawText;
  if (text.trim() === '') return { ok: false, message: 'The file is empty: a CSV needs a header row and data rows.' };
  const firstLine = text.slice(0, text.indexOf('\n') >= 0 ? text.indexOf('\n') : undefined);
  const delimiter = guessDelimiter(firstLine);
  const parsed = Papa.parse<string[]>(text, { delimiter, skipEmptyLines: false });
  const rows = parsed.data;
  // Line numbers: Papa's row index, adjusted for quoted fields holding line breaks.
  const lines = lineNumbers(rows);
  const quote = parsed.errors.find((e) => e.type === 'Quotes');
  if (quote) return { ok: false, message: `Line ${lines[quote.row ?? 0] ?? '?'}: a quoted field is not closed, or a quote stands inside an unquoted field.` };
  const header = (rows[0] ?? []).map((h) => h.trim());
  const emptyName = header.findIndex((h) => h === '');
  if (emptyName >= 0) return { ok: false, message: `Line 1: column ${emptyName + 1} has no name. The first line must name every column.` };
  const dup = header.findIndex((h, i) => header.indexOf(h) !== i);
  if (dup >= 0) return { ok: false, message: `Line 1: the column name "${header[dup]}" appears twice; column names must be unique.` };
  if (header.length < 2) return { ok: false, message: 'The file has a single column; a dataset needs at least one feature column and a label column. Is the delimiter one of , ; tab | ?' };

  const data: { cells: string[]; line: number }[] = [];
  for (let r = 1; r < rows.length; r++) {
    const cells = rows[r];
    if (cells.length === 1 && cells[0].trim() === '') continue;
    if (cells.length !== header.length) {
      return { ok: false, message: `Line ${lines[r]}: the row has ${cells.length} fields but the header has ${header.length}${cells.length > header.length ? ' (a decimal comma, or an unquoted delimiter?)' : ''}.` };
    }
    data.push({ cells, line: lines[r] });
  }
  if (data.length < 2) return { ok: false, message: `The file has ${data.length === 0 ? 'no data rows' : 'only one data row'}: at least two are needed, one to train on and one to test.` };

  const columns = header.map((name, c) => inspectColumn(name, data.map((d) => d.cells[c]), data.map((d) => d.line)));
  return { ok: true, csv: { columns, head: data.slice(0, HEAD_ROWS).map((d) => d.cells), rowCount: data.length, delimiter: DELIMITER_NAMES[delimiter] ?? ',' } };
}

function inspectColumn(name: string, cells: string[], lines: number[]): CsvColumn {
  let missing = 0;
  let firstMissingLine: number | null = null;
  let numeric = true;
  let integer = true;
  const distinct = new Set<string>();
  cells.forEach((raw, i) => {
    const cell = raw.trim();
    if (MISSING.has(cell.toLowerCase())) {
      missing++;
      firstMissingLine ??= lines[i];
      return;
    }
    if (distinct.size <= MAX_DISTINCT) distinct.add(cell);
    const value = Number(cell);
    if (!Number.isFinite(value)) numeric = false;
    else if (!Number.isInteger(value)) integer = false;
  });
  const present = cells.length - missing;
  const type: ColumnType = numeric && present > 0 ? 'number' : distinct.size <= Math.max(CATEGORY_LIMIT, Math.sqrt(present)) && distinct.size < present ? 'category' : 'text';
  return { name, type, distinct: distinct.size, missing, firstMissingLine, integer: numeric && integer };
}


/** The 1-based line each parsed row starts on (rows may span lines inside quotes). */
function lineNumbers(rows: string[][]): number[] {
  const out: number[] = [];
  let line = 1;
  for (const row of rows) {
    out.push(line);
    // Line breaks inside the row's fields, plus the one that ends it.
    for (const cell of row) for (let i = 0; i < cell.length; i++) if (cell.charCodeAt(i) === 10) line++;
    line++;
  }
  return out;
}

/** A label column to start with: one named like a label, else the last column. */
export function guessLabel(columns: CsvColumn[]): number {
  const named = columns.findIndex((c) => /^(label|labels|class|target|y|species|category|outcome)$/i.test(c.name));
  return named >= 0 ? named : columns.length - 1;
}

/** Classification for text labels and for few whole numbers; regression for other numbers. */
export function guessTask(column: CsvColumn): 'classification' | 'regression' {
  if (column.type !== 'number') return 'classification';
  return column.integer && column.distinct <= CATEGORY_LIMIT ? 'classification' : 'regression';
}

/** The column can be one-hot encoded: categories, or text with few distinct values. */
export function oneHotAllowed(column: CsvColumn): boolean {
  if (column.type === 'category') return column.distinct <= MAX_CATEGORIES;
  return column.type === 'text' && column.distinct <= TEXT_ONEHOT_LIMIT;
}

/** A column's starting role when it is not the label: numbers as features, gap-free categories one-hot, the rest ignored. */
export function defaultRole(column: CsvColumn): ColumnRole {
  if (/^(id|index|row|#)$/i.test(column.name)) return 'ignore';
  if (column.type === 'number') return 'feature';
  return column.type === 'category' && column.missing === 0 && oneHotAllowed(column) ? 'onehot' : 'ignore';
}

/** Starting roles: the label, then each other column's default role. */
export function initialRoles(columns: CsvColumn[], label: number): ColumnRole[] {
  return columns.map((c, i) => (i === label ? 'label' : defaultRole(c)));
}

/** How many numbers x has per example: one per numeric feature, one per category of each one-hot column. */
export function featureCount(columns: CsvColumn[], roles: ColumnRole[]): { total: number; oneHot: number; oneHotColumns: string[] } {
  let total = 0;
  let oneHot = 0;
  const oneHotColumns: string[] = [];
  columns.forEach((c, i) => {
    if (roles[i] === 'feature') total++;
    if (roles[i] === 'onehot') {
      total += c.distinct;
      oneHot += c.distinct;
      oneHotColumns.push(c.name);
    }
  });
  return { total, oneHot, oneHotColumns };
}

/** Why a text column cannot be a feature: one-hot would give nearly one feature per row. */
function freeTextProblem(c: CsvColumn): string {
  const count = c.distinct > MAX_DISTINCT ? `more than ${MAX_DISTINCT}` : String(c.distinct);
  return `Column "${c.name}" holds free text (${count} distinct values): set it to ignore. One-hot encoding makes one feature per distinct value, more than ${TEXT_ONEHOT_LIMIT} here and most seen in a row or two, so the network could memorize them but not learn from them.`;
}

/** Why the chosen roles cannot be imported, or null. */
export function rolesProblem(columns: CsvColumn[], roles: ColumnRole[], task: 'classification' | 'regression'): string | null {
  const label = roles.indexOf('label');
  if (label < 0) return 'Choose the label column: the one to predict.';
  const features = columns.filter((_, i) => roles[i] === 'feature' || roles[i] === 'onehot');
  if (features.length === 0) {
    return columns.some((c, i) => i !== label && (c.type === 'number' || oneHotAllowed(c)))
      ? 'Choose at least one feature column.'
      : 'The file has no numeric or categorical columns besides the label: the network can only learn from numbers and categories.';
  }
  for (const [i, c] of columns.entries()) {
    if (roles[i] === 'feature' && c.type !== 'number') {
      if (oneHotAllowed(c)) return `Column "${c.name}" holds ${c.type === 'category' ? 'categories' : 'text'}, not numbers: set it to "feature (one-hot)" or ignore it.`;
      return freeTextProblem(c);
    }
    if (roles[i] === 'onehot' && !oneHotAllowed(c)) {
      if (c.type === 'number') return `Column "${c.name}" holds numbers: use it as a plain feature.`;
      if (c.type === 'text') return freeTextProblem(c);
      return `Column "${c.name}" has ${c.distinct} distinct values, more than the ${MAX_CATEGORIES} one-hot features a column may make: set it to ignore.`;
    }
  }
  const gap = features.find((c) => c.missing > 0);
  if (gap) return `Column "${gap.name}" has ${gap.missing} missing value${gap.missing > 1 ? 's' : ''} (first on line ${gap.firstMissingLine}): fill ${gap.missing > 1 ? 'them' : 'it'} in or ignore the column.`;
  // The dataset's column lists (ignore, categorical) are comma-separated.
  const comma = columns.find((c, i) => (roles[i] === 'ignore' || roles[i] === 'onehot') && c.name.includes(','));
  if (comma) return `Column "${comma.name}" has a comma in its name, which the dataset's column lists cannot hold: rename it in the file.`;
  const labelColumn = columns[label];
  if (labelColumn.missing > 0) return `The label column "${labelColumn.name}" has ${labelColumn.missing} missing value${labelColumn.missing > 1 ? 's' : ''} (first on line ${labelColumn.firstMissingLine}).`;
  if (task === 'regression' && labelColumn.type !== 'number') return `Regression predicts a number, but the label column "${labelColumn.name}" holds text: choose classification.`;
  if (task === 'classification') {
    if (labelColumn.distinct < 2) return `Every row has the same label in "${labelColumn.name}": classification needs at least two classes.`;
    if (labelColumn.type === 'number' && !labelColumn.integer) return `The label column "${labelColumn.name}" holds fractions: choose regression to predict a number.`;
    if (labelColumn.distinct > MAX_DISTINCT) return `The label column "${labelColumn.name}" has more than ${MAX_DISTINCT} distinct values: choose regression, or another label.`;
  }
  return null;
}

/** A dataset name from a file or folder name: letters, digits, _ . - (the protocol's DATA_NAME). */
export function dataName(fileName: string): string {
  const base = fileName.replace(/\.(csv|tsv|txt)$/i, '');
  const clean = base.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').replace(/-+$/, '').slice(0, 80);
  return clean || 'data';
}
