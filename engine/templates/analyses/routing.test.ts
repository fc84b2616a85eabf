import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../data/registry.js';
import { gaussianClusters, routingStatistics } from './routing.js';

describe('routingStatistics', () => {
  it('scores 1 when each group always goes to its own expert, 0 when routing ignores the group', () => {
    const groups = [0, 0, 1, 1, 2, 2, 3, 3];
    const specialised = routingStatistics(groups, [0, 0, 1, 1, 2, 2, 3, 3], 4);
    expect(specialised.expertSpecialisation).toBeCloseTo(1, 12);
    expect(specialised.meanRoutingEntropy).toBeCloseTo(0, 12);
    expect(specialised.expertUsageEntropy).toBeCloseTo(Math.log(4), 12);
    const ignoring = routingStatistics(groups, [0, 1, 0, 1, 0, 1, 0, 1], 4);
    expect(ignoring.expertSpecialisation).toBeCloseTo(0, 12);
    expect(ignoring.meanRoutingEntropy).toBeCloseTo(Math.log(2), 12);
    expect(ignoring.maxRoutingEntropy).toBeCloseTo(Math.log(4), 12);
  });

  it('gives NaN (a failing rule) when every token goes to one expert', () => {
    expect(routingStatistics([0, 1, 2, 3], [2, 2, 2, 2], 4).expertSpecialisation).toBeNaN();
  });

  it('matches a hand-computed mutual information', () => {
    // Group 0 → expert 0 always; group 1 → experts 0 and 1 equally. H(E) = H(3/4, 1/4); H(E|G) = ½·log 2.
    const s = routingStatistics([0, 0, 1, 1], [0, 0, 0, 1], 2);
    const hE = -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25));
    expect(s.routingMutualInformation).toBeCloseTo(hE - 0.5 * Math.log(2), 12);
    expect(s.expertSpecialisation).toBeCloseTo((hE - 0.5 * Math.log(2)) / hE, 12);
  });
});

describe('gaussianClusters', () => {
  it('recovers clusters that each hold a single class (clusters are dealt to classes)', async () => {
    const ref = { name: 'gaussians', params: { samples: 3000, classes: 4, clustersPerClass: 4 } };
    const data = await loadDataset(ref, 7);
    const clusters = gaussianClusters(data.train, ref);
    const classesOf = new Map<number, Map<number, number>>();
    for (let i = 0; i < data.train.count; i++) {
      const m = classesOf.get(clusters[i]) ?? new Map<number, number>();
      m.set(data.train.y[i], (m.get(data.train.y[i]) ?? 0) + 1);
      classesOf.set(clusters[i], m);
    }
    expect(classesOf.size).toBe(16);
    let majority = 0;
    for (const m of classesOf.values()) majority += Math.max(...m.values());
    expect(majority / data.train.count).toBeGreaterThan(0.99);
  });

  it('refuses other datasets', () => {
    expect(() => gaussianClusters({ x: new Float32Array(2), y: new Int32Array(1), count: 1 }, { name: 'moons' })).toThrow('needs the gaussians dataset, not "moons"');
  });
});
