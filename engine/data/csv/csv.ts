import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { hashSeed } from '../../util/hash.js';
import { defineDataset, type DatasetIssue } from '../kind.js';
import type { DatasetSpec } from '../spec.js';
import { shuffleSplit } from '../split.js';
import { featureLayout } from './categories.js';
import { columnList, DELIMITERS, inspectHeader, readFirstLine, type CsvOptions } from './header.js';
import { parseCsv, type CsvTask } from './parse.js';
import { scanCategories } from './scan.js';

const TASKS = ['classification', 'regression'] as const;

function fileError(shownPath: string, fullPath: string, error: unknown): DatasetIssue {
  const code = (error as NodeJS.ErrnoException).code;
  const message =
    code === 'ENOENT'
      ? `file not found: ${shownPath}${shownPath !== fullPath ? ` (looked for ${fullPath})` : ''}`
      : code === 'EISDIR'
        ? `${shownPath} is a folder, not a CSV file`
        : `cannot read ${shownPath}: ${(error as Error).message}`;
  return { param: 'path', message };
}

function specOf(
  task: CsvTask,
  featureNames: string[],
  classNames: string[] | undefined,
): DatasetSpec {
  return {
    name: 'csv',
    task,
    x: { shape: ['B', featureNames.length], dtype: 'float32' },
    // Regression targets are [B, 1], the shape a Linear layer of one unit gives.
    y: task === 'regression' ? { shape: ['B', 1], dtype: 'float32' } : { shape: ['B'], dtype: 'int32' },
    ...(classNames ? { numClasses: classNames.length, classNames } : {}),
    featureNames,
  };
}

function csvOptions(params: { path: string; label: string; delimiter: string; header: boolean; ignore: string; categorical: string }): CsvOptions {
  return { shownPath: params.path, label: params.label, delimiter: params.delimiter, header: params.header, ignore: columnList(params.ignore), categorical: columnList(params.categorical) };
}

/** A table from a CSV file: one label column, ignored columns, categorical columns one-hot, every other column a numeric feature. */
export const csv = defineDataset({
  name: 'csv',
  summary: 'A table from a CSV file: numeric and categorical feature columns, one label column, others ignored',
  doc:
    'Loads a CSV file. With `header` on, the first line names the columns; `label` names the column to predict, `ignore` lists columns to leave out (an id, a free-text note), `categorical` lists columns of categories to one-hot encode, and every other column must be numeric. ' +
    'A categorical column becomes one 0/1 feature per distinct value, sorted by code point and named `column=value` (at most 256 values per column; cells are trimmed and case-sensitive; a missing cell is an error). ' +
    'With `task` "classification", labels may be text (classes numbered in order of first appearance) or whole numbers (classes ordered by value); with "regression", the label column must be numeric and `y` is [B, 1]. ' +
    'Any bad cell stops the load with its line and column (line 1 is the header). Relative paths are resolved from the graph file\'s folder. ' +
    'The number of classes is known once the file is loaded. Shape inference reads only the header, unless there are categorical columns: then it reads the file once per version (path, size, modification time) to learn the categories.',
  params: {
    path: { kind: 'string', default: '', required: true, format: 'path', doc: 'The CSV file (relative to the graph file\'s folder)' },
    label: { kind: 'string', default: '', required: true, doc: 'Name of the label column (its number, from 1, when header is off)' },
    delimiter: { kind: 'enum', default: 'auto', options: DELIMITERS, doc: 'Field separator; auto picks the most frequent of , ; tab | in the first line' },
    header: { kind: 'boolean', default: true, doc: 'The first line names the columns' },
    ignore: { kind: 'string', default: '', doc: 'Columns to leave out, comma-separated (an id, free text); their cells are not read' },
    categorical: { kind: 'string', default: '', doc: 'Feature columns holding categories, comma-separated: each becomes one 0/1 feature per distinct value (column=value)' },
    task: { kind: 'enum', default: 'classification', options: TASKS, doc: 'Predict a class (labels become class ids) or a number' },
  },
  twoD: false,
  ownSplit: false,
  describe(params, { baseDir }) {
    const fullPath = isAbsolute(params.path) ? params.path : resolve(baseDir, params.path);
    const options = csvOptions(params);
    let first: { line: string; empty: boolean };
    try {
      first = readFirstLine(fullPath);
    } catch (error) {
      return { spec: null, issues: [fileError(params.path, fullPath, error)] };
    }
    if (first.empty) return { spec: null, issues: [{ param: 'path', message: `${params.path} is empty: expected a header row and data rows` }] };
    const head = inspectHeader(first.line, options);
    if (!head.ok) return { spec: null, issues: [{ param: head.param, message: head.message }] };
    let categories: string[][] = [];
    if (head.categoricalIndices.length > 0) {
      let scan;
      try {
        scan = scanCategories(fullPath, params.path, head, params.header);
      } catch (error) {
        return { spec: null, issues: [fileError(params.path, fullPath, error)] };
      }
      if (!scan.ok) return { spec: null, issues: scan.problems };
      categories = scan.categories;
    }
    const featureNames = featureLayout(head.columns, head.featureIndices, head.categoricalIndices, categories);
    return { spec: specOf(params.task as CsvTask, featureNames, undefined), issues: [] };
  },
  async load(params, { baseDir, seed, testFraction }) {
    const fullPath = isAbsolute(params.path) ? params.path : resolve(baseDir, params.path);
    let text: string;
    try {
      text = await readFile(fullPath, 'utf8');
    } catch (error) {
      return { ok: false, issues: [fileError(params.path, fullPath, error)] };
    }
    const task = params.task as CsvTask;
    const parsed = parseCsv(text, csvOptions(params), task);
    if (!parsed.ok) {
      const issues: DatasetIssue[] = parsed.messages.map((message) => ({ param: 'path', message }));
      if (parsed.more > 0) issues.push({ param: 'path', message: `${params.path}: … and ${parsed.more} more problem${parsed.more === 1 ? '' : 's'}` });
      return { ok: false, issues };
    }
    const { table } = parsed;
    const { train, test } = shuffleSplit({ x: table.x, y: table.y, count: table.count }, testFraction, hashSeed(seed, 'csv', 'split'));
    return { ok: true, dataset: { spec: specOf(task, table.featureNames, table.classNames), train, test } };
  },
});
