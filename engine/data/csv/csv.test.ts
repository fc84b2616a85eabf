import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../graph/problems.js';
import { DatasetError, describeDataset, loadDataset } from '../registry.js';

const fixtures = fileURLToPath(new URL('../../../test/fixtures/csv/', import.meta.url));
const opts = { baseDir: fixtures };

/** The messages of the DatasetError a load rejects with. */
async function loadErrors(params: Record<string, string | boolean>): Promise<string[]> {
  const error = await loadDataset({ name: 'csv', params }, 1, opts).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DatasetError);
  return (error as DatasetError).problems.map(formatProblem);
}

describe('csv dataset: good files', () => {
  it('loads text labels as class ids in order of first appearance, every row once', async () => {
    const d = await loadDataset({ name: 'csv', params: { path: 'flowers.csv', label: 'species' }, testFraction: 0.3 }, 1, opts);
    expect(d.spec.task).toBe('classification');
    expect(d.spec.x).toEqual({ shape: ['B', 3], dtype: 'float32' });
    expect(d.spec.y).toEqual({ shape: ['B'], dtype: 'int32' });
    expect(d.spec.featureNames).toEqual(['sepal_length', 'sepal_width', 'petal_length']);
    expect(d.spec.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(d.spec.numClasses).toBe(3);
    expect(d.train.count + d.test.count).toBe(10);
    expect(d.test.count).toBe(3);
    expect(d.train.x).toBeInstanceOf(Float32Array);
    expect(d.train.y).toBeInstanceOf(Int32Array);
    // Rows keep their label: find the row 7.0,3.2,4.7 (versicolor) wherever the shuffle put it.
    const rows = [d.train, d.test].flatMap((s) => Array.from({ length: s.count }, (_, i) => [...s.x.subarray(3 * i, 3 * i + 3), s.y[i]]));
    expect(rows).toContainEqual([7.0, Math.fround(3.2), Math.fround(4.7), 1]);
    expect(rows.map((r) => r[3]).sort()).toEqual([0, 0, 0, 0, 1, 1, 1, 2, 2, 2]);
  });

  it('describes from the header alone: feature count and task, classes unknown until loaded', () => {
    const { spec, problems } = describeDataset({ name: 'csv', params: { path: 'flowers.csv', label: 'species' } }, opts);
    expect(problems).toEqual([]);
    expect(spec?.x.shape).toEqual(['B', 3]);
    expect(spec?.numClasses).toBeUndefined();
  });

  it('auto-detects ";" and orders numeric labels by value', async () => {
    const d = await loadDataset({ name: 'csv', params: { path: 'semicolon-numeric-labels.csv', label: 'digit' } }, 1, opts);
    expect(d.spec.classNames).toEqual(['0', '1', '3']);
    const all = [d.train, d.test].flatMap((s) => Array.from({ length: s.count }, (_, i) => [s.x[2 * i], s.y[i]]));
    // a = 2.5 has digit 0 → class 0; a = 0.5 has digit 3 → class 2.
    expect(all).toContainEqual([2.5, 0]);
    expect(all).toContainEqual([0.5, 2]);
  });

  it('regression: float targets shaped [B, 1]', async () => {
    const d = await loadDataset({ name: 'csv', params: { path: 'houses.csv', label: 'price', task: 'regression' } }, 1, opts);
    expect(d.spec.task).toBe('regression');
    expect(d.spec.y).toEqual({ shape: ['B', 1], dtype: 'float32' });
    expect(d.train.y).toBeInstanceOf(Float32Array);
    const prices = [...d.train.y, ...d.test.y].sort((a, b) => a - b);
    expect(prices).toEqual([150, Math.fround(199.9), 210, Math.fround(305.5), 410.25]);
  });

  it('no header: columns are numbered and the label is a column number', async () => {
    const d = await loadDataset({ name: 'csv', params: { path: 'no-header.csv', label: '3', header: false } }, 1, opts);
    expect(d.train.count + d.test.count).toBe(4);
    expect(d.spec.featureNames).toEqual(['1', '2']);
  });

  it('skips blank lines and handles CRLF line ends', async () => {
    const d = await loadDataset({ name: 'csv', params: { path: 'crlf-blank-line.csv', label: 'label' } }, 1, opts);
    expect(d.train.count + d.test.count).toBe(3);
  });

  it('the same seed gives the same split, another seed another', async () => {
    const ref = { name: 'csv', params: { path: 'flowers.csv', label: 'species' }, testFraction: 0.5 };
    const a = await loadDataset(ref, 1, opts);
    const b = await loadDataset(ref, 1, opts);
    const c = await loadDataset(ref, 2, opts);
    expect(b.test.x).toEqual(a.test.x);
    expect(c.test.x).not.toEqual(a.test.x);
  });
});

describe('csv dataset: errors name the line and column', () => {
  it('missing value', async () => {
    expect(await loadErrors({ path: 'missing-value.csv', label: 'label' })).toEqual([
      'dataset.params.path: dataset "csv": missing-value.csv line 3, column 2 ("x2"): missing value',
    ]);
  });

  it('text in a numeric column', async () => {
    const [message, ...rest] = await loadErrors({ path: 'text-in-numeric.csv', label: 'label' });
    expect(rest).toEqual([]);
    expect(message).toContain('text-in-numeric.csv line 4, column 2 ("x2"): "six" is not a number');
  });

  it('ragged rows, short and long', async () => {
    const messages = await loadErrors({ path: 'ragged.csv', label: 'label' });
    expect(messages).toHaveLength(2);
    expect(messages[0]).toContain('ragged.csv line 4, column 4: the row has 3 fields but the header has 4');
    expect(messages[1]).toContain('ragged.csv line 5, column 5: the row has 5 fields but the header has 4');
  });

  it('counts lines inside quoted fields', async () => {
    const messages = await loadErrors({ path: 'quoted-newline.csv', label: 'label' });
    expect(messages).toHaveLength(2);
    expect(messages[0]).toContain('line 2, column 2 ("note"): "first line\nsecond line" is not a number');
    expect(messages[1]).toContain('line 5, column 2 ("note"): "oops" is not a number');
  });

  it('unknown label column lists the columns and suggests the closest', async () => {
    const messages = await loadErrors({ path: 'flowers.csv', label: 'specie' });
    expect(messages).toEqual([
      'dataset.params.label: dataset "csv": flowers.csv line 1: there is no column named "specie" (did you mean "species"?); the columns are: sepal_length, sepal_width, petal_length, species',
    ]);
    const described = describeDataset({ name: 'csv', params: { path: 'flowers.csv', label: 'specie' } }, opts);
    expect(described.spec).toBeNull();
    expect(described.problems[0].path).toBe('dataset.params.label');
  });

  it('empty file', async () => {
    expect(await loadErrors({ path: 'empty.csv', label: 'label' })).toEqual(['dataset.params.path: dataset "csv": empty.csv is empty: expected a header row and data rows']);
  });

  it('file not found names the path it looked for', async () => {
    const [message] = await loadErrors({ path: 'nope.csv', label: 'label' });
    expect(message).toContain('file not found: nope.csv (looked for ');
    expect(message).toContain('test/fixtures/csv/nope.csv');
    expect(describeDataset({ name: 'csv', params: { path: 'nope.csv', label: 'label' } }, opts).problems[0].message).toContain('file not found');
  });

  it('lists the first ten problems and counts the rest; nothing is loaded', async () => {
    const messages = await loadErrors({ path: 'many-errors.csv', label: 'label' });
    expect(messages).toHaveLength(11);
    expect(messages[0]).toContain('line 2, column 2 ("x2"): "bad1" is not a number');
    expect(messages[9]).toContain('line 11, column 2 ("x2"): "bad10" is not a number');
    expect(messages[10]).toBe('dataset.params.path: dataset "csv": many-errors.csv: … and 5 more problems');
  });

  it('non-integer labels under classification suggest regression', async () => {
    const [message] = await loadErrors({ path: 'houses.csv', label: 'price' });
    // 210.0 on line 2 is a whole number; 305.5 on line 3 is the first that is not.
    expect(message).toContain('houses.csv line 3, column 3 ("price"): the label "305.5" is not a whole number');
    expect(message).toContain('"regression"');
  });

  it('text labels under regression are reported with their line', async () => {
    const [message] = await loadErrors({ path: 'flowers.csv', label: 'species', task: 'regression' });
    expect(message).toContain('flowers.csv line 2, column 4 ("species"): "setosa" is not a number');
  });
});

describe('csv dataset: ignored columns', () => {
  it('leaves out an id and a text column: their cells are never read as numbers', async () => {
    const d = await loadDataset({ name: 'csv', params: { path: 'people.csv', label: 'label', ignore: 'id, name' }, testFraction: 0.25 }, 1, opts);
    expect(d.spec.featureNames).toEqual(['age', 'height']);
    expect(d.spec.x.shape).toEqual(['B', 2]);
    const rows = [d.train, d.test].flatMap((s) => Array.from({ length: s.count }, (_, i) => [...s.x.subarray(2 * i, 2 * i + 2), s.y[i]]));
    expect(rows).toContainEqual([27, Math.fround(1.75), 0]);
    expect(describeDataset({ name: 'csv', params: { path: 'people.csv', label: 'label', ignore: 'id,name' } }, opts).spec?.x.shape).toEqual(['B', 2]);
  });

  it('without ignore, the text column is reported with its line', async () => {
    const [message] = await loadErrors({ path: 'people.csv', label: 'label', ignore: 'id' });
    expect(message).toContain('people.csv line 2, column 2 ("name"): "Ann" is not a number');
  });

  it('an unknown ignored column suggests the closest, the label cannot be ignored, nor every feature', () => {
    const problems = (ignore: string) => describeDataset({ name: 'csv', params: { path: 'people.csv', label: 'label', ignore } }, opts).problems.map(formatProblem);
    expect(problems('nmae')).toEqual(['dataset.params.ignore: dataset "csv": people.csv: cannot ignore "nmae": there is no such column (did you mean "name"?)']);
    expect(problems('label')).toEqual(['dataset.params.ignore: dataset "csv": people.csv: "label" is the label column and cannot be ignored']);
    expect(problems('id,name,age,height')[0]).toContain('every column but the label is ignored');
  });
});
