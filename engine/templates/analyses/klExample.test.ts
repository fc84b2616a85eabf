import { describe, expect, it } from 'vitest';
import type { AnalysisContext } from '../analysis.js';
import { klExample } from './klExample.js';

const run = (p: number[], q: number[]) => klExample.run({ options: klExample.options.parse({ p, q }) } as AnalysisContext<{ p: number[]; q: number[] }>);

describe('klExample analysis', () => {
  it('gives the article\'s values for P = (9/25, 12/25, 4/25) against a uniform Q, from weights', async () => {
    const r = await run([9, 12, 4], [1, 1, 1]);
    // scipy.stats.entropy([9/25, 12/25, 4/25], qk=[1/3, 1/3, 1/3]), as printed in the article.
    expect(r.klPQ).toBeCloseTo(0.0852996013183706, 14);
    expect(r.klQP).toBeCloseTo((Math.log(25 / 27) + Math.log(25 / 36) + Math.log(25 / 12)) / 3, 14);
  });

  it('refuses distributions over different outcomes', () => {
    expect(klExample.options.safeParse({ p: [1, 2], q: [1, 1, 1] }).success).toBe(false);
    expect(klExample.options.safeParse({ p: [0, 0], q: [1, 1] }).success).toBe(false);
  });
});
