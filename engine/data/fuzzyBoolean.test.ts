import { describe, expect, it } from 'vitest';
import { describeDataset, loadDataset } from './registry.js';
import { fuzzyValue } from './fuzzyBoolean.js';

/** Reads one example back from the tokens: values, negation flags and clauses. */
function decode(x: ArrayLike<number>, example: number, literals: number, clauses: number) {
  const width = 2 + clauses;
  const values: number[] = [];
  const negated: number[] = [];
  const clauseOf: number[] = [];
  for (let i = 0; i < literals; i++) {
    const at = (example * literals + i) * width;
    values.push(x[at]);
    negated.push(x[at + 1]);
    const oneHot = Array.from({ length: clauses }, (_, c) => x[at + 2 + c]);
    expect(oneHot.filter((v) => v === 1)).toHaveLength(1);
    expect(oneHot.filter((v) => v === 0)).toHaveLength(clauses - 1);
    clauseOf.push(oneHot.indexOf(1));
  }
  return { values, negated, clauseOf };
}

describe('fuzzy Boolean expressions', () => {
  it('evaluates OR of ANDs with NOT v = 1 − v, AND = min, OR = max', () => {
    // (0.9 ∧ ¬0.3) ∨ (0.2) = max(min(0.9, 0.7), 0.2) = 0.7
    expect(fuzzyValue([0.9, 0.3, 0.2], [0, 1, 0], [0, 0, 1], 2)).toBeCloseTo(0.7, 12);
    // (¬0.9) ∨ (0.2 ∧ 0.6) = max(0.1, 0.2)
    expect(fuzzyValue([0.9, 0.2, 0.6], [1, 0, 0], [0, 1, 1], 2)).toBeCloseTo(0.2, 12);
    // An empty clause is left out, not read as true.
    expect(fuzzyValue([0.4], [0], [0], 3)).toBeCloseTo(0.4, 12);
  });

  it('gives literal tokens [B, literals, 2 + clauses]; crisp answers are balanced true/false classes', async () => {
    const ref = { name: 'fuzzy-boolean', params: { literals: 5, clauses: 2, samples: 400 }, testFraction: 0.25 };
    expect(describeDataset(ref).spec).toMatchObject({ x: { shape: ['B', 5, 4], dtype: 'float32' }, y: { shape: ['B'], dtype: 'int32' }, numClasses: 2, task: 'classification' });
    const d = await loadDataset(ref, 2);
    expect(d.train.count).toBe(300);
    expect(d.test.count).toBe(100);
    let trues = 0;
    for (const split of [d.train, d.test]) {
      for (let s = 0; s < split.count; s++) {
        const { values, negated, clauseOf } = decode(split.x, s, 5, 2);
        // Every clause holds a literal, values lie in [0, 1], flags are 0/1.
        expect(new Set(clauseOf).size).toBe(2);
        values.forEach((v) => expect(v >= 0 && v <= 1).toBe(true));
        negated.forEach((n) => expect([0, 1]).toContain(n));
        expect(split.y[s]).toBe(Number(fuzzyValue(values, negated, clauseOf, 2) > 0.5));
        trues += split.y[s];
      }
    }
    expect(trues).toBe(200);
  });

  it('fuzzy output is the expression value itself, for regression', async () => {
    const ref = { name: 'fuzzy-boolean', params: { literals: 4, clauses: 2, samples: 50, output: 'fuzzy' } };
    expect(describeDataset(ref).spec).toMatchObject({ task: 'regression', y: { shape: ['B', 1], dtype: 'float32' } });
    const d = await loadDataset(ref, 1);
    for (let s = 0; s < d.train.count; s++) {
      const { values, negated, clauseOf } = decode(d.train.x, s, 4, 2);
      expect(d.train.y[s]).toBeCloseTo(fuzzyValue(values, negated, clauseOf, 2), 6);
    }
  });

  it('is seeded, and refuses more clauses than literals', async () => {
    const ref = { name: 'fuzzy-boolean', params: { samples: 40 } };
    expect((await loadDataset(ref, 1)).train.x).toEqual((await loadDataset(ref, 1)).train.x);
    expect((await loadDataset(ref, 2)).train.x).not.toEqual((await loadDataset(ref, 1)).train.x);
    const bad = describeDataset({ name: 'fuzzy-boolean', params: { literals: 2, clauses: 3 } });
    expect(bad.spec).toBeNull();
    expect(bad.problems[0]).toMatchObject({ path: 'dataset.params.clauses' });
    expect(bad.problems[0].message).toContain('cannot exceed "literals" (2)');
  });
});
