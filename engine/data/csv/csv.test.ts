import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
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

describe('csv dataset: categorical columns, one-hot encoded', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tensorloom-csv-categorical-'));
  const tmp = { baseDir: dir };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => writeFileSync(join(dir, name), text);
  const describeCsv = (params: Record<string, string | boolean>) => describeDataset({ name: 'csv', params }, tmp);
  /** Every example of both splits as [features..., label], in no particular order. */
  const allRows = (d: Awaited<ReturnType<typeof loadDataset>>) => {
    const w = d.spec.x.shape[1] as number;
    return [d.train, d.test].flatMap((s) => Array.from({ length: s.count }, (_, i) => [...s.x.subarray(w * i, w * i + w), s.y[i]]));
  };

  write('shop.csv', 'id,size,color,weight,label\n1,1,red,0.5,a\n2,2,blue,1.5,b\n3,3,green,2.5,a\n4,4, red ,3.5,b\n5,5,blue,4.5,a\n');

  it('expands a column in place into one 0/1 feature per category, sorted, in describe and load alike', async () => {
    const params = { path: 'shop.csv', label: 'label', ignore: 'id', categorical: 'color' };
    const names = ['size', 'color=blue', 'color=green', 'color=red', 'weight'];
    const described = describeCsv(params);
    expect(described.problems).toEqual([]);
    expect(described.spec?.x.shape).toEqual(['B', 5]);
    expect(described.spec?.featureNames).toEqual(names);
    const d = await loadDataset({ name: 'csv', params, testFraction: 0.4 }, 1, tmp);
    expect(d.spec.x.shape).toEqual(['B', 5]);
    expect(d.spec.featureNames).toEqual(names);
    // " red " is trimmed to the same category as "red".
    expect(allRows(d).sort((a, b) => a[0] - b[0])).toEqual([
      [1, 0, 0, 1, 0.5, 0],
      [2, 1, 0, 0, 1.5, 1],
      [3, 0, 1, 0, 2.5, 0],
      [4, 0, 0, 1, 3.5, 1],
      [5, 1, 0, 0, 4.5, 0],
    ]);
  });

  it('orders categories by code point: capitals first, case-sensitive, characters past U+FFFF last', () => {
    write('order.csv', 'tag,x,label\nzeta,1,a\n\uFFFD,2,b\nZeta,3,a\n😀,4,b\nalpha,5,a\n');
    const { spec, problems } = describeCsv({ path: 'order.csv', label: 'label', categorical: 'tag' });
    expect(problems).toEqual([]);
    expect(spec?.featureNames).toEqual(['tag=Zeta', 'tag=alpha', 'tag=zeta', 'tag=\uFFFD', 'tag=😀', 'x']);
  });

  it('with header off, categorical columns are column numbers', async () => {
    write('numbered.csv', '1.5,cat,0\n2.5,dog,1\n3.5,cat,0\n');
    const d = await loadDataset({ name: 'csv', params: { path: 'numbered.csv', label: '3', header: false, categorical: '2' } }, 1, tmp);
    expect(d.spec.featureNames).toEqual(['1', '2=cat', '2=dog']);
    expect(allRows(d)).toContainEqual([2.5, 0, 1, 1]);
  });

  it('a missing cell is an error naming its line and column, like in a numeric column', () => {
    write('gaps.csv', 'x,color,label\n1,red,a\n2,,b\n3,NA,a\n4,blue,b\n');
    expect(describeCsv({ path: 'gaps.csv', label: 'label', categorical: 'color' }).problems.map(formatProblem)).toEqual([
      'dataset.params.path: dataset "csv": gaps.csv line 3, column 2 ("color"): missing value',
      'dataset.params.path: dataset "csv": gaps.csv line 4, column 2 ("color"): missing value ("NA")',
    ]);
  });

  it('an unknown column suggests the closest; the label and an ignored column cannot be categorical', () => {
    const problems = (categorical: string, ignore = '') => describeCsv({ path: 'shop.csv', label: 'label', ignore, categorical }).problems.map(formatProblem);
    expect(problems('colour')).toEqual(['dataset.params.categorical: dataset "csv": shop.csv: cannot one-hot encode "colour": there is no such column (did you mean "color"?)']);
    expect(problems('label')[0]).toContain('"label" is the label column');
    expect(problems('color', 'id,color')[0]).toContain('"color" is both ignored and categorical');
  });

  it('without categorical, a category column is still reported as not a number', async () => {
    const [message] = await loadErrors({ path: join(dir, 'shop.csv'), label: 'label', ignore: 'id' });
    expect(message).toContain('line 2, column 3 ("color"): "red" is not a number');
  });

  it(`refuses more than 256 categories in a column, naming the column and the count`, () => {
    const rows = (n: number) => ['code,x,label', ...Array.from({ length: n }, (_, i) => `c${i},${i},${i % 2}`)].join('\n');
    write('codes-256.csv', rows(256));
    expect(describeCsv({ path: 'codes-256.csv', label: 'label', categorical: 'code' }).spec?.x.shape).toEqual(['B', 257]);
    write('codes-257.csv', rows(257));
    expect(describeCsv({ path: 'codes-257.csv', label: 'label', categorical: 'code' }).problems.map(formatProblem)).toEqual([
      'dataset.params.categorical: dataset "csv": codes-257.csv: the categorical column "code" has 257 distinct values, more than 256 (one-hot encoding makes one feature per value): ignore the column, or group its values into fewer categories',
    ]);
  });

  it('describe reads the file once per version: same size and mtime reuse the scan, a new mtime rescans', () => {
    const file = join(dir, 'edited.csv');
    // Whole seconds, so the time can be set back exactly (file systems keep finer times than Date).
    const mtime = 1_700_000_000;
    write('edited.csv', 'color,x,label\nred,1,a\nblu,2,b\n');
    utimesSync(file, mtime, mtime);
    const names = () => describeCsv({ path: 'edited.csv', label: 'label', categorical: 'color' }).spec?.featureNames;
    expect(names()).toEqual(['color=blu', 'color=red', 'x']);
    // Same size, same mtime, different bytes: the cached scan answers, so the file was not read again.
    write('edited.csv', 'color,x,label\nred,1,a\ngrn,2,b\n');
    utimesSync(file, mtime, mtime);
    expect(names()).toEqual(['color=blu', 'color=red', 'x']);
    // A new modification time is a new version of the file: scanned again.
    utimesSync(file, mtime, mtime + 5);
    expect(names()).toEqual(['color=grn', 'color=red', 'x']);
  });
});
