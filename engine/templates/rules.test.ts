import { describe, expect, it } from 'vitest';
import { cutToDecimals, evaluateRule } from './rules.js';

describe('evaluateRule', () => {
  const metrics = { sgd: { sharpness: 0.02, testAccuracy: 0.9 }, sam: { sharpness: 0.01, testAccuracy: 0.897 } };

  it('compares a metric with a value and says what it measured', () => {
    const r = evaluateRule({ description: 'acc', metric: 'testAccuracy', of: 'sgd', comparison: '>=', value: 0.92 }, metrics);
    expect(r.pass).toBe(false);
    expect(r.text).toBe('testAccuracy(sgd) = 0.9 >= 0.92');
  });

  it('compares two runs with a factor and an offset', () => {
    const flatter = evaluateRule({ description: 's', metric: 'sharpness', of: 'sam', comparison: '<=', than: { metric: 'sharpness', of: 'sgd', factor: 0.5 } }, metrics);
    expect(flatter.pass).toBe(true);
    const tolerated = evaluateRule({ description: 'a', metric: 'testAccuracy', of: 'sam', comparison: '>=', than: { metric: 'testAccuracy', of: 'sgd', offset: -0.005 } }, metrics);
    expect(tolerated.pass).toBe(true);
    expect(tolerated.expected).toBeCloseTo(0.895, 12);
    expect(tolerated.text).toContain('testAccuracy(sgd) − 0.005 = 0.895');
    const strict = evaluateRule({ description: 'a', metric: 'testAccuracy', of: 'sam', comparison: '>=', than: { metric: 'testAccuracy', of: 'sgd' } }, metrics);
    expect(strict.pass).toBe(false);
  });

  it('cuts to decimals by truncating or rounding, as the article printed the number', () => {
    expect(cutToDecimals(0.0852996, 4, 'truncate')).toBe(852);
    expect(cutToDecimals(0.0852996, 4, 'round')).toBe(853);
    expect(cutToDecimals(0.3, 1, 'truncate')).toBe(3);
    const kl = { main: { klPQ: 0.0852996013183706 } };
    expect(evaluateRule({ description: 'k', metric: 'klPQ', comparison: '==', value: 0.0853, decimals: 4, rounding: 'round' }, kl).pass).toBe(true);
    const truncated = evaluateRule({ description: 'k', metric: 'klPQ', comparison: '==', value: 0.0853, decimals: 4 }, kl);
    expect(truncated.pass).toBe(false);
    expect(truncated.text).toContain('0.0852 (0.085300 truncated to 4 decimals) == 0.0853');
  });

  it('fails a rule whose metric was not measured, and says so', () => {
    const r = evaluateRule({ description: 'x', metric: 'sharpness', of: 'adam', comparison: '<', value: 1 }, metrics);
    expect(r.pass).toBe(false);
    expect(r.text).toContain('sharpness(adam) was not measured');
    const nan = evaluateRule({ description: 'x', metric: 'testAccuracy', comparison: '<', value: 1 }, { main: { testAccuracy: NaN } });
    expect(nan.pass).toBe(false);
  });

  it('reads the single run when a rule names none', () => {
    expect(evaluateRule({ description: 'x', metric: 'testAccuracy', comparison: '>', value: 0.5 }, { main: { testAccuracy: 0.6 } }).pass).toBe(true);
  });
});
