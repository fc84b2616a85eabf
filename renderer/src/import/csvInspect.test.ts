import { describe, expect, it } from 'vitest';
import { dataName, featureCount, guessLabel, guessTask, initialRoles, inspectCsv, rolesProblem } from './csvInspect.js';

const PEOPLE = 'id,name,age,height,city,label\n1,Ann,31,1.62,Oslo,yes\n2,Bob,45,1.80,Rome,no\n3,"Cy, Jr.",27,1.75,Oslo,yes\n4,Dee,52,NA,Rome,no\n';

function inspect(text: string) {
  const r = inspectCsv(text);
  if (!r.ok) throw new Error(r.message);
  return r.csv;
}

describe('inspectCsv', () => {
  it('infers number, category and text columns, and counts missing cells with their line', () => {
    const csv = inspect(PEOPLE);
    expect(csv.rowCount).toBe(4);
    expect(csv.columns.map((c) => [c.name, c.type])).toEqual([
      ['id', 'number'],
      ['name', 'text'],
      ['age', 'number'],
      ['height', 'number'],
      ['city', 'category'],
      ['label', 'category'],
    ]);
    expect(csv.columns[3]).toMatchObject({ missing: 1, firstMissingLine: 5, integer: false });
    expect(csv.head[2][1]).toBe('Cy, Jr.');
  });

  it('starts with the label column, numbers as features, categories one-hot, the id and text ignored', () => {
    const csv = inspect(PEOPLE);
    const label = guessLabel(csv.columns);
    expect(label).toBe(5);
    const roles = initialRoles(csv.columns, label);
    expect(roles).toEqual(['ignore', 'ignore', 'feature', 'feature', 'onehot', 'label']);
    expect(guessTask(csv.columns[label])).toBe('classification');
    // height has a missing value: the dialog says where.
    expect(rolesProblem(csv.columns, roles, 'classification')).toBe('Column "height" has 1 missing value (first on line 5): fill it in or ignore the column.');
    roles[3] = 'ignore';
    expect(rolesProblem(csv.columns, roles, 'classification')).toBeNull();
    expect(rolesProblem(csv.columns, roles, 'regression')).toContain('holds text: choose classification');
    roles[1] = 'feature';
    expect(rolesProblem(csv.columns, roles, 'classification')).toBe('Column "name" holds text, not numbers: set it to "feature (one-hot)" or ignore it.');
  });

  it('counts one feature per category of a one-hot column: age, height, and Oslo/Rome', () => {
    const csv = inspect(PEOPLE);
    const roles = initialRoles(csv.columns, 5);
    expect(featureCount(csv.columns, roles)).toEqual({ total: 4, oneHot: 2, oneHotColumns: ['city'] });
    // Four names, few enough to be one-hot even though each row has its own.
    roles[1] = 'onehot';
    expect(featureCount(csv.columns, roles)).toEqual({ total: 8, oneHot: 6, oneHotColumns: ['name', 'city'] });
    roles[3] = 'ignore';
    expect(rolesProblem(csv.columns, roles, 'classification')).toBeNull();
    roles[2] = 'onehot';
    expect(rolesProblem(csv.columns, roles, 'classification')).toBe('Column "age" holds numbers: use it as a plain feature.');
  });

  it('refuses free text with many distinct values as a feature, and says why', () => {
    const rows = Array.from({ length: 60 }, (_, i) => `${i},note number ${i},${i % 2 ? 'a' : 'b'}`);
    const csv = inspect(`x,note,label\n${rows.join('\n')}\n`);
    expect(csv.columns[1]).toMatchObject({ type: 'text', distinct: 60 });
    const roles = initialRoles(csv.columns, 2);
    expect(roles[1]).toBe('ignore');
    for (const role of ['feature', 'onehot'] as const) {
      roles[1] = role;
      expect(rolesProblem(csv.columns, roles, 'classification')).toBe(
        'Column "note" holds free text (60 distinct values): set it to ignore. One-hot encoding makes one feature per distinct value, more than 50 here and most seen in a row or two, so the network could memorize them but not learn from them.',
      );
    }
  });

  it('a one-hot column with gaps, or a listed column with a comma in its name, is refused', () => {
    const csv = inspect('x,"a,b",color,label\n1,u,red,p\n2,v,,q\n3,u,blue,p\n4,v,red,q\n5,u,blue,p\n');
    expect(csv.columns[2]).toMatchObject({ type: 'category', missing: 1 });
    const roles = initialRoles(csv.columns, 3);
    // A category with a gap starts ignored; made one-hot, the gap is named.
    expect(roles).toEqual(['feature', 'onehot', 'ignore', 'label']);
    expect(rolesProblem(csv.columns, roles, 'classification')).toBe('Column "a,b" has a comma in its name, which the dataset\'s column lists cannot hold: rename it in the file.');
    roles[1] = 'feature';
    roles[2] = 'onehot';
    expect(rolesProblem(csv.columns, roles, 'classification')).toContain('Column "a,b" holds categories, not numbers');
    // With "a,b" as the label it is in no list; the gap in color is what remains.
    roles.splice(0, 4, 'feature', 'label', 'onehot', 'ignore');
    expect(rolesProblem(csv.columns, roles, 'classification')).toBe('Column "color" has 1 missing value (first on line 3): fill it in or ignore the column.');
  });

  it('guesses regression for fractional targets', () => {
    const csv = inspect('a;price\n1;10.5\n2;20.25\n3;7\n');
    expect(csv.delimiter).toBe(';');
    expect(guessTask(csv.columns[1])).toBe('regression');
  });

  it('names the line of a ragged row, an open quote, and says when no column is numeric', () => {
    expect(inspectCsv('a,b,c\n1,2,3\n4,5\n')).toEqual({ ok: false, message: 'Line 3: the row has 2 fields but the header has 3.' });
    expect(inspectCsv('a,b\n1,"two\nlines",\n')).toMatchObject({ ok: false });
    expect(inspectCsv('a,b\n"1,2\n3,4\n')).toMatchObject({ ok: false, message: expect.stringMatching(/^Line 2: a quoted field is not closed/) });
    const words = inspect('word,label\nhello,a\nworld,b\n');
    expect(rolesProblem(words.columns, initialRoles(words.columns, 1), 'classification')).toBe('Choose at least one feature column.');
    const long = inspect(`word,label\n${Array.from({ length: 60 }, (_, i) => `w${i},${i % 2}`).join('\n')}\n`);
    expect(rolesProblem(long.columns, initialRoles(long.columns, 1), 'classification')).toBe(
      'The file has no numeric or categorical columns besides the label: the network can only learn from numbers and categories.',
    );
    const one = inspect('x,label\n1,a\n2,a\n');
    expect(rolesProblem(one.columns, initialRoles(one.columns, 1), 'classification')).toContain('classification needs at least two classes');
  });

  it('makes a safe dataset name from the file name', () => {
    expect(dataName('Iris data (1).csv')).toBe('Iris-data-1');
    expect(dataName('../../etc.csv')).toBe('etc');
    expect(dataName('***.csv')).toBe('data');
  });
});
