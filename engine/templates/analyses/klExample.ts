import { z } from 'zod';
import { klDivergence } from '../../nodes/losses/klDiv.js';
import { defineAnalysis } from '../analysis.js';

const weights = z.array(z.number().min(0).finite()).min(2).max(1000).refine((w) => w.some((v) => v > 0), 'needs a positive weight');

/** Weights as a distribution: the article's P = (9/25, 12/25, 4/25) can be written [9, 12, 4]. */
function normalise(w: number[]): number[] {
  const sum = w.reduce((a, b) => a + b, 0);
  return w.map((v) => v / sum);
}

/** KL(P‖Q) and KL(Q‖P) of two fixed distributions, with the same function the KL panel uses. */
export const klExample = defineAnalysis({
  name: 'klExample',
  summary: 'KL(P‖Q) and KL(Q‖P) in nats of two distributions given in the template',
  metrics: ['klPQ', 'klQP'],
  options: z.strictObject({ p: weights, q: weights }).refine((o) => o.p.length === o.q.length, 'p and q must have the same length'),
  async run({ options }) {
    const p = normalise(options.p);
    const q = normalise(options.q);
    return { klPQ: klDivergence(p, q), klQP: klDivergence(q, p) };
  },
});
