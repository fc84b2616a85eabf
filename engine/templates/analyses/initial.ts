import { z } from 'zod';
import { evaluate } from '../../train/evaluate.js';
import { defineAnalysis } from '../analysis.js';

/** The same graph and seed before any training: the baseline "trained" is measured against. */
export const initial = defineAnalysis({
  name: 'initial',
  summary: 'Loss and accuracy of the untrained model (same graph and seed)',
  metrics: ['initialTrainLoss', 'initialTestLoss', 'initialTestAccuracy'],
  options: z.strictObject({}),
  async run({ compileFresh, data }) {
    const model = compileFresh();
    try {
      const train = await evaluate(model, data.train, data.spec, { limit: 10000 });
      const test = await evaluate(model, data.test, data.spec);
      return { initialTrainLoss: train.loss, initialTestLoss: test.loss, initialTestAccuracy: test.accuracy ?? NaN };
    } finally {
      model.dispose();
    }
  },
});
