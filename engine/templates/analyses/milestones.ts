import { z } from 'zod';
import { defineAnalysis } from '../analysis.js';

/**
 * When the curves crossed a threshold: the delayed jump of grokking is "test accuracy
 * reached 95% long after train accuracy reached 99%". Epochs count from 1 and only
 * evaluated epochs are seen (see `evalEvery`); NaN when never reached, so rules fail.
 */
export const milestones = defineAnalysis({
  name: 'milestones',
  summary: 'First epoch at which train/test accuracy reached a threshold; best accuracies',
  metrics: ['trainAccuracyReachedEpoch', 'testAccuracyReachedEpoch', 'bestTrainAccuracy', 'bestTestAccuracy'],
  options: z.strictObject({
    trainAccuracy: z.number().min(0).max(1).default(0.99),
    testAccuracy: z.number().min(0).max(1).default(0.95),
  }),
  async run({ history, options }) {
    const first = (split: 'train' | 'test', threshold: number) =>
      history.find((e) => (e[split].accuracy ?? -1) >= threshold)?.epoch ?? NaN;
    const best = (split: 'train' | 'test') => Math.max(...history.map((e) => e[split].accuracy ?? NaN));
    return {
      trainAccuracyReachedEpoch: first('train', options.trainAccuracy),
      testAccuracyReachedEpoch: first('test', options.testAccuracy),
      bestTrainAccuracy: history.length ? best('train') : NaN,
      bestTestAccuracy: history.length ? best('test') : NaN,
    };
  },
});
