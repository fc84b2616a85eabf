import { z } from 'zod';
import { LossEvaluator, measureSharpness } from '../../analysis/landscape/index.js';
import { defineAnalysis } from '../analysis.js';

/**
 * Sharpness as the SAM article defines it, max over ‖ε‖₂ ≤ ρ of L_S(w + ε) − L_S(w), with
 * L_S the full training loss (engine/analysis/landscape). `sharpness` is the best of a
 * short projected gradient ascent started at SAM's first-order point, so it is never
 * below `sharpnessFirstOrder` (the loss rise at ε̂ = ρ·g/‖g‖ alone).
 */
export const sharpness = defineAnalysis({
  name: 'sharpness',
  summary: 'The SAM article\'s sharpness of the trained weights on the train split',
  metrics: ['sharpness', 'sharpnessFirstOrder'],
  options: z.strictObject({
    rho: z.number().gt(0).max(10).default(0.05),
    steps: z.number().int().min(0).max(100).default(5),
    split: z.enum(['train', 'test']).default('train'),
    /** Examples of the split to measure on (the first ones); all when absent. */
    limit: z.number().int().min(1).optional(),
  }),
  async run({ model, data, options }) {
    const evaluator = new LossEvaluator(model, data[options.split], data.spec, { limit: options.limit });
    try {
      const r = await measureSharpness(evaluator, { rho: options.rho, steps: options.steps });
      return { sharpness: r.ascent, sharpnessFirstOrder: r.firstOrder };
    } finally {
      evaluator.dispose();
    }
  },
});
