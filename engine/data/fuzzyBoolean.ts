import { createRng, hashSeed } from '../util/hash.js';
import { defineDataset } from './kind.js';
import type { DatasetSpec } from './spec.js';
import { shuffleSplit } from './split.js';

/** Features of one literal token: its value, its negation flag, then its clause as one-hot. */
function featureNames(clauses: number): string[] {
  return ['value', 'negated', ...Array.from({ length: clauses }, (_, c) => `clause ${c + 1}`)];
}

function spec(literals: number, clauses: number, output: string): DatasetSpec {
  const x = { shape: ['B', literals, 2 + clauses] as ['B', number, number], dtype: 'float32' as const };
  if (output === 'fuzzy') {
    return { name: 'fuzzy-boolean', task: 'regression', x, y: { shape: ['B', 1], dtype: 'float32' }, featureNames: featureNames(clauses) };
  }
  return { name: 'fuzzy-boolean', task: 'classification', x, y: { shape: ['B'], dtype: 'int32' }, numClasses: 2, classNames: ['false', 'true'], featureNames: featureNames(clauses) };
}

/**
 * The fuzzy value of an expression in disjunctive normal form: OR over clauses (max) of
 * AND over each clause's literals (min), a literal being v or NOT v = 1 − v.
 * `clauseOf[i]` is literal i's clause; a clause with no literal is left out.
 */
export function fuzzyValue(values: ArrayLike<number>, negated: ArrayLike<number>, clauseOf: ArrayLike<number>, clauses: number): number {
  let best = 0;
  for (let c = 0; c < clauses; c++) {
    let and = Infinity;
    for (let i = 0; i < values.length; i++) {
      if (clauseOf[i] !== c) continue;
      and = Math.min(and, negated[i] ? 1 - values[i] : values[i]);
    }
    if (and !== Infinity) best = Math.max(best, and);
  }
  return best;
}

/**
 * Random fuzzy Boolean expressions, each given as a set of literal tokens: the task of the
 * Neural Interpreters paper's toy experiment in a form where the expression changes from
 * example to example, so a model has to read its structure from the tokens.
 */
export const fuzzyBoolean = defineDataset({
  name: 'fuzzy-boolean',
  summary: 'Random fuzzy Boolean expressions (OR of ANDs), one token per literal',
  doc: [
    'Each example is a fresh random expression in disjunctive normal form, such as `(x₁ ∧ ¬x₂ ∧ x₃) ∨ (¬x₄ ∧ x₅ ∧ x₆)`, given as a set of `literals` tokens [B, literals, 2 + clauses]: the variable\'s value v in [0, 1], a negation flag (1 for ¬v), and the clause the literal belongs to (one-hot). Every clause holds at least one literal.',
    '',
    'Fuzzy logic: NOT v = 1 − v, AND = min, OR = max (Zadeh). With `output` `fuzzy`, `y` is the expression\'s value [B, 1] (regression, MSE). With `crisp`, `y` is its truth (class 1 when the value is above 0.5, which is the Boolean expression of the literals read as v > 0.5); the examples alternate false and true (a draw of the wrong truth is repaired by mirroring some values, v → 1 − v).',
    '',
    'The order of the tokens carries no meaning: a model that treats them as a set (attention, the Script node) can share one computation across them.',
  ].join('\n'),
  params: {
    literals: { kind: 'int', default: 6, min: 1, max: 64, doc: 'Literal tokens per expression' },
    clauses: { kind: 'int', default: 2, min: 1, max: 16, doc: 'Clauses (ANDs) joined by OR' },
    samples: { kind: 'int', default: 6000, min: 10, max: 200_000, doc: 'Expressions, train and test together' },
    output: { kind: 'enum', default: 'crisp', options: ['crisp', 'fuzzy'], doc: 'crisp: true/false classes (balanced); fuzzy: the value in [0, 1]' },
  },
  twoD: false,
  ownSplit: false,
  describe({ literals, clauses, output }) {
    if (clauses > literals) {
      return { spec: null, issues: [{ param: 'clauses', message: `parameter "clauses" (${clauses}) cannot exceed "literals" (${literals}): every clause needs a literal` }] };
    }
    return { spec: spec(literals, clauses, output), issues: [] };
  },
  async load({ literals, clauses, samples, output }, { seed, testFraction }) {
    const rng = createRng(hashSeed(seed, 'fuzzy-boolean'));
    const width = 2 + clauses;
    const x = new Float32Array(samples * literals * width);
    const crisp = output === 'crisp';
    const y = crisp ? new Int32Array(samples) : new Float32Array(samples);
    const values = new Float64Array(literals);
    const negated = new Uint8Array(literals);
    const clauseOf = new Int32Array(literals);
    /**
     * Crisp examples alternate false and true. A draw of the wrong truth is repaired by
     * mirroring values (v → 1 − v keeps each value uniform): for true, every false literal
     * of one random clause; for false, one random literal of each true clause.
     */
    const balance = (wanted: boolean) => {
      const truth = fuzzyValue(values, negated, clauseOf, clauses) > 0.5;
      if (truth === wanted) return;
      if (wanted) {
        const c = Math.floor(rng() * clauses);
        for (let i = 0; i < literals; i++) if (clauseOf[i] === c && literal(i) <= 0.5) values[i] = 1 - values[i];
        return;
      }
      for (let c = 0; c < clauses; c++) {
        const members = [...clauseOf.keys()].filter((i) => clauseOf[i] === c);
        if (members.every((i) => literal(i) > 0.5)) {
          const i = members[Math.floor(rng() * members.length)];
          values[i] = 1 - values[i];
        }
      }
    };
    const literal = (i: number) => (negated[i] ? 1 - values[i] : values[i]);
    for (let s = 0; s < samples; s++) {
      // The first `clauses` literals go one to each clause (none is empty), the rest anywhere; then shuffled.
      for (let i = 0; i < literals; i++) {
        values[i] = rng();
        negated[i] = rng() < 0.5 ? 1 : 0;
        clauseOf[i] = i < clauses ? i : Math.floor(rng() * clauses);
      }
      for (let i = literals - 1; i > 0; i--) {
        const j = Math.floor(rng() * (i + 1));
        [clauseOf[i], clauseOf[j]] = [clauseOf[j], clauseOf[i]];
      }
      if (crisp) balance(s % 2 === 1);
      const value = fuzzyValue(values, negated, clauseOf, clauses);
      for (let i = 0; i < literals; i++) {
        const at = (s * literals + i) * width;
        x[at] = values[i];
        x[at + 1] = negated[i];
        x[at + 2 + clauseOf[i]] = 1;
      }
      y[s] = crisp ? Number(value > 0.5) : value;
    }
    const { train, test } = shuffleSplit({ x, y, count: samples }, testFraction, hashSeed(seed, 'fuzzy-boolean', 'split'));
    return { ok: true, dataset: { spec: spec(literals, clauses, output), train, test } };
  },
});
