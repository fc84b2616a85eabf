/**
 * Summary of a routing count vector (the `routing` record of MoE / MoA) for panels.
 * Pure, with no tfjs import, so the renderer can use it on plain numbers.
 *
 * fractions: share of the routed assignments each expert received (all 0 when none).
 * entropy: Shannon entropy of the fractions in nats: ln(experts) when balanced, 0 when
 * one expert takes everything (collapse).
 */
export function routingSummary(counts: number[]): { fractions: number[]; entropy: number } {
  const total = counts.reduce((sum, c) => sum + c, 0);
  if (!(total > 0)) return { fractions: counts.map(() => 0), entropy: 0 };
  const fractions = counts.map((c) => c / total);
  const entropy = fractions.reduce((h, f) => (f > 0 ? h - f * Math.log(f) : h), 0);
  return { fractions, entropy };
}
