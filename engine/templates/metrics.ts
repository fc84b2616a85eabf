import type { Analysis } from './analysis.js';
import { initial } from './analyses/initial.js';
import { klExample } from './analyses/klExample.js';
import { milestones } from './analyses/milestones.js';
import { routing } from './analyses/routing.js';
import { sharpness } from './analyses/sharpness.js';
import { tree } from './analyses/tree.js';
import { TRAINING_METRICS } from './templateSchema.js';

/**
 * Every analysis template rules can use, by name. A metric belongs to exactly one
 * analysis (or is a training metric), so a rule names a metric and the analysis that
 * computes it follows. Document new ones in templates/README.md.
 */
export const analyses: readonly Analysis[] = [milestones, initial, klExample, routing, sharpness, tree];

const byMetric = new Map<string, Analysis>();
for (const a of analyses) {
  for (const m of a.metrics) {
    const owner = byMetric.get(m);
    if (owner || (TRAINING_METRICS as readonly string[]).includes(m)) throw new Error(`metric "${m}" of analysis "${a.name}" is already defined${owner ? ` by "${owner.name}"` : ' as a training metric'}`);
    byMetric.set(m, a);
  }
}

export function analysisOf(metric: string): Analysis | undefined {
  return byMetric.get(metric);
}

export function analysisNamed(name: string): Analysis | undefined {
  return analyses.find((a) => a.name === name);
}

export function isKnownMetric(metric: string): boolean {
  return (TRAINING_METRICS as readonly string[]).includes(metric) || byMetric.has(metric);
}

export function knownMetrics(): string[] {
  return [...TRAINING_METRICS, ...byMetric.keys()];
}

/** Training metrics of a finished run, with the two gaps derived from them. */
export function trainingMetrics(m: { trainLoss: number; testLoss: number; trainAccuracy?: number; testAccuracy?: number }): Record<string, number> {
  const out: Record<string, number> = { trainLoss: m.trainLoss, testLoss: m.testLoss, lossGap: m.testLoss - m.trainLoss };
  if (m.trainAccuracy !== undefined) out.trainAccuracy = m.trainAccuracy;
  if (m.testAccuracy !== undefined) out.testAccuracy = m.testAccuracy;
  if (m.trainAccuracy !== undefined && m.testAccuracy !== undefined) out.trainTestGap = m.trainAccuracy - m.testAccuracy;
  return out;
}
