import { describe, expect, it } from 'vitest';
import { formatAffine, linearRule, MAX_TERMS, negatedText } from '../../engine/analysis/tree/format.js';

const names = (n: number) => Array.from({ length: n }, (_, i) => `x${i}`);

describe('rule text', () => {
  it('reads like the article: three significant digits, signs as operators, no zero terms', () => {
    expect(formatAffine([0.8312, -1.2, 0], 0.4, names(3))).toBe('0.831·x0 − 1.2·x1 + 0.4');
    expect(formatAffine([-1, 1], -2.5e-7, names(2))).toBe('−x0 + x1 − 2.5e-7');
    expect(formatAffine([0, 0], 0, names(2))).toBe('0');
    const rule = linearRule([2, 0.5], -1, '>', names(2));
    expect(rule.text).toBe('2·x0 + 0.5·x1 − 1 > 0');
    expect(negatedText(rule, names(2))).toBe('2·x0 + 0.5·x1 − 1 ≤ 0');
    expect(linearRule([1], 0.25, '<=', ['petal']).text).toBe('petal + 0.25 ≤ 0');
  });

  it('shows only the largest terms of a rule over many inputs, and says how many are left out', () => {
    const w = Array.from({ length: 100 }, (_, i) => (i === 42 ? -9 : i === 7 ? 8 : 0.01 * (i + 1)));
    const text = formatAffine(w, 1, names(100));
    expect(text.startsWith('8·x7 ')).toBe(true);
    expect(text).toContain('− 9·x42');
    expect(text).toContain(`(${100 - MAX_TERMS} more terms) + 1`);
    expect(text.match(/x\d+/g)).toHaveLength(MAX_TERMS);
  });
});
