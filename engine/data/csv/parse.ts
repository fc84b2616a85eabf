import { CategoryCollector, featureLayout } from './categories.js';
import { inspectHeader, located, MISSING, stripBom, type CsvOptions } from './header.js';
import { forEachRow } from './rows.js';

export type CsvTask = 'classification' | 'regression';

export interface CsvTable {
  /** Features row-major, [count, featureNames.length]. */
  x: Float32Array;
  /** Class ids (classification) or target values (regression). */
  y: Int32Array | Float32Array;
  count: number;
  featureNames: string[];
  /** Classification only: the label text of each class id. */
  classNames?: string[];
}

export type CsvParseResult = { ok: true; table: CsvTable } | { ok: false; messages: string[]; more: number };

/** How many located problems are listed before the rest is only counted. */
export const MAX_LISTED = 10;
/** Labels that cannot sensibly be one-hot classes. */
const MAX_CLASSES = 1000;

/** Collects problems: the first MAX_LISTED in full, the rest counted. */
class Problems {
  readonly messages: string[] = [];
  more = 0;
  add(message: string): void {
    if (this.messages.length < MAX_LISTED) this.messages.push(message);
    else this.more++;
  }
  get count(): number {
    return this.messages.length + this.more;
  }
}

/**
 * Parses a whole CSV text into a numeric table, categorical columns one-hot encoded.
 * Every bad cell is reported with its line and column (1-based; line 1 is the header
 * when there is one, and a quoted field spanning lines is located at the line its row
 * starts on). Nothing is returned half-done: the table, or the problems.
 */
export function parseCsv(rawText: string, options: CsvOptions, task: CsvTask): CsvParseResult {
  const text = stripBom(rawText);
  const { shownPath } = options;
  if (text.trim() === '') return { ok: false, messages: [`${shownPath} is empty: expected a header row and data rows`], more: 0 };
  const firstEnd = text.indexOf('\n');
  const head = inspectHeader((firstEnd >= 0 ? text.slice(0, firstEnd) : text).replace(/\r$/, ''), options);
  if (!head.ok) return { ok: false, messages: [head.message], more: 0 };

  const { columns, labelIndex, delimiter, categoricalIndices } = head;
  const width = columns.length;
  const numericColumns = head.featureIndices.filter((c) => !categoricalIndices.includes(c));
  const numbers: number[] = [];
  const collector = new CategoryCollector(categoricalIndices);
  const categoryCells: string[][] = [];
  const labelTexts: string[] = [];
  const labelLines: number[] = [];
  const problems = new Problems();

  forEachRow(text, delimiter, options.header, ({ fields: row, line: rowLine, badQuotes }) => {
    if (badQuotes) {
      problems.add(located(shownPath, rowLine, row.length, columns[row.length - 1] ?? null, 'a quoted field is not closed, or a quote stands inside an unquoted field'));
      return;
    }
    if (row.length !== width) {
      const column = Math.min(row.length, width) + 1;
      problems.add(
        located(
          shownPath,
          rowLine,
          column,
          null,
          row.length < width
            ? `the row has ${row.length} fields but the header has ${width}: a value or a delimiter is missing`
            : `the row has ${row.length} fields but the header has ${width}: there is an extra value or delimiter (a decimal comma?)`,
        ),
      );
      return;
    }
    for (const c of numericColumns) {
      numbers.push(readNumber(row[c], (m) => problems.add(located(shownPath, rowLine, c + 1, columns[c], m))));
    }
    categoryCells.push(collector.read(row, (c, m) => problems.add(located(shownPath, rowLine, c + 1, columns[c], m))));
    const label = row[labelIndex].trim();
    if (MISSING.has(label.toLowerCase())) {
      problems.add(located(shownPath, rowLine, labelIndex + 1, columns[labelIndex], `missing label${label ? ` ("${label}")` : ''}`));
    }
    labelTexts.push(label);
    labelLines.push(rowLine);
  });

  const count = labelTexts.length;
  if (problems.count === 0 && count < 2) {
    problems.add(`${shownPath} has ${count === 0 ? 'no data rows' : 'only one data row'}: at least two are needed for a train and a test example`);
  }
  let y: Int32Array | Float32Array = new Float32Array(0);
  let classNames: string[] | undefined;
  if (problems.count === 0) {
    const labelColumn = { index: labelIndex + 1, name: columns[labelIndex] };
    if (task === 'regression') {
      const values = new Float32Array(count);
      for (let i = 0; i < count; i++) {
        values[i] = readNumber(labelTexts[i], (m) => problems.add(located(shownPath, labelLines[i], labelColumn.index, labelColumn.name, `${m} (task "regression" needs numeric targets)`)));
      }
      y = values;
    } else {
      const classes = classIds(labelTexts);
      if (classes.nonInteger !== null) {
        problems.add(
          located(shownPath, labelLines[classes.nonInteger], labelColumn.index, labelColumn.name, `the label "${labelTexts[classes.nonInteger]}" is not a whole number: for numeric targets set the dataset's task to "regression"`),
        );
      } else if (classes.names.length > MAX_CLASSES) {
        problems.add(`${shownPath}: the label column "${labelColumn.name}" has ${classes.names.length} distinct values, more than ${MAX_CLASSES} classes: for numeric targets set task to "regression"`);
      } else if (classes.names.length < 2) {
        problems.add(`${shownPath}: every row has the label "${classes.names[0]}": classification needs at least two classes`);
      }
      y = classes.ids;
      classNames = classes.names;
    }
  }
  let categories: string[][] = [];
  if (problems.count === 0) {
    const finished = collector.finish(shownPath, columns);
    finished.problems.forEach((m) => problems.add(m));
    categories = finished.categories;
  }
  if (problems.count > 0) return { ok: false, messages: problems.messages, more: problems.more };
  const featureNames = featureLayout(columns, head.featureIndices, categoricalIndices, categories);
  const x = encodeFeatures(head.featureIndices, categoricalIndices, categories, numbers, categoryCells, count, featureNames.length);
  return { ok: true, table: { x, y, count, featureNames, classNames } };
}

/**
 * Assembles x row-major in featureLayout's order: each numeric value as read, each
 * categorical value as a one-hot run (1 at its category's sorted position, 0 elsewhere).
 */
function encodeFeatures(
  featureIndices: readonly number[],
  categoricalIndices: readonly number[],
  categories: readonly string[][],
  numbers: readonly number[],
  categoryCells: readonly string[][],
  count: number,
  rowWidth: number,
): Float32Array {
  const x = new Float32Array(count * rowWidth);
  const positions = categories.map((list) => new Map(list.map((value, i) => [value, i])));
  const numericPerRow = featureIndices.length - categoricalIndices.length;
  // Per feature column: its index among the categorical ones, or -1 when numeric.
  const slots = featureIndices.map((c) => categoricalIndices.indexOf(c));
  for (let r = 0; r < count; r++) {
    let out = r * rowWidth;
    let n = r * numericPerRow;
    for (const k of slots) {
      if (k < 0) {
        x[out++] = numbers[n++];
      } else {
        x[out + positions[k].get(categoryCells[r][k])!] = 1;
        out += categories[k].length;
      }
    }
  }
  return x;
}

/** A finite number, or a reported problem and NaN. */
function readNumber(field: string, report: (message: string) => void): number {
  const text = field.trim();
  if (MISSING.has(text.toLowerCase())) {
    report(text ? `missing value ("${text}")` : 'missing value');
    return NaN;
  }
  const value = Number(text);
  if (!Number.isFinite(value)) {
    report(`"${text.length > 30 ? `${text.slice(0, 30)}…` : text}" is not a number (feature columns must be numeric)`);
    return NaN;
  }
  return value;
}

/**
 * Class ids from label texts. Numeric labels are ordered by value (so 0–9 stay 0–9);
 * text labels are numbered in order of first appearance.
 */
function classIds(labels: string[]): { ids: Int32Array; names: string[]; nonInteger: number | null } {
  const ids = new Int32Array(labels.length);
  const numeric = labels.every((l) => l !== '' && Number.isFinite(Number(l)));
  if (numeric) {
    const values = labels.map(Number);
    const nonInteger = values.findIndex((v) => !Number.isInteger(v));
    if (nonInteger >= 0) return { ids, names: [], nonInteger };
    const distinct = [...new Set(values)].sort((a, b) => a - b);
    const index = new Map(distinct.map((v, i) => [v, i]));
    values.forEach((v, i) => (ids[i] = index.get(v)!));
    return { ids, names: distinct.map(String), nonInteger: null };
  }
  const index = new Map<string, number>();
  labels.forEach((l, i) => {
    let id = index.get(l);
    if (id === undefined) index.set(l, (id = index.size));
    ids[i] = id;
  });
  return { ids, names: [...index.keys()], nonInteger: null };
}
