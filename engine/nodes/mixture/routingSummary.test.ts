import { describe, expect, it } from 'vitest';
import { routingSummary } from './routingSummary.js';

describe('routingSummary', () => {
  it('gives fractions and ln(E) entropy for balanced routing', () => {
    const s = routingSummary([5, 5, 5, 5]);
    expect(s.fractions).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(s.entropy).toBeCloseTo(Math.log(4), 12);
  });

  it('gives zero entropy when one expert takes every token (collapse)', () => {
    expect(routingSummary([0, 12, 0])).toEqual({ fractions: [0, 1, 0], entropy: 0 });
  });

  it('computes the entropy of an uneven split', () => {
    const s = routingSummary([3, 1]);
    expect(s.fractions).toEqual([0.75, 0.25]);
    expect(s.entropy).toBeCloseTo(-(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25)), 12);
  });

  it('returns zeros rather than NaN before any token was routed', () => {
    expect(routingSummary([0, 0])).toEqual({ fractions: [0, 0], entropy: 0 });
  });
});
