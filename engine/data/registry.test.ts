import { describe, expect, it } from 'vitest';
import { sampleSize } from '../shapes/types.js';
import { DatasetError, datasetKinds, describeDataset, loadDataset } from './registry.js';

/** Every dataset that loads from its defaults alone (csv needs a file). */
const SELF_CONTAINED = ['spirals', 'moons', 'circles', 'xor', 'gaussians', 'modular-addition', 'teacher'];

describe('dataset registry', () => {
  it('lists every dataset with its params for the chooser, 2-D ones marked', () => {
    expect(datasetKinds.map((k) => k.name)).toEqual(['spirals', 'moons', 'circles', 'xor', 'gaussians', 'mnist', 'modular-addition', 'sequence-task', 'fuzzy-boolean', 'teacher', 'csv', 'images']);
    expect(datasetKinds.filter((k) => k.twoD).map((k) => k.name)).toEqual(['spirals', 'moons', 'circles', 'xor', 'gaussians']);
    expect(datasetKinds.find((k) => k.name === 'csv')!.params.path).toMatchObject({ kind: 'string', format: 'path' });
    expect(JSON.parse(JSON.stringify(datasetKinds))).toEqual(datasetKinds); // plain data, can cross IPC
  });

  it.each(SELF_CONTAINED)('%s: what describe promises is what load delivers', async (name) => {
    const described = describeDataset({ name });
    expect(described.problems).toEqual([]);
    const d = await loadDataset({ name }, 1);
    expect(d.spec).toEqual(described.spec);
    for (const split of [d.train, d.test]) {
      expect(split.count).toBeGreaterThan(0);
      expect(split.x).toHaveLength(split.count * sampleSize(d.spec.x.shape));
      expect(split.y).toHaveLength(split.count * sampleSize(d.spec.y.shape));
      expect(split.x).toBeInstanceOf(d.spec.x.dtype === 'int32' ? Int32Array : Float32Array);
      expect(split.y).toBeInstanceOf(d.spec.y.dtype === 'int32' ? Int32Array : Float32Array);
    }
  });

  it('uses testFraction 0.2 by default', async () => {
    const d = await loadDataset({ name: 'moons', params: { samples: 500 } }, 1);
    expect([d.train.count, d.test.count]).toEqual([400, 100]);
  });

  it('an unknown name suggests the closest and lists the known ones', () => {
    const { spec, problems } = describeDataset({ name: 'spiral' });
    expect(spec).toBeNull();
    expect(problems).toEqual([
      {
        severity: 'error',
        code: 'dataset',
        path: 'dataset.name',
        message: 'unknown dataset "spiral" (did you mean "spirals"?); known datasets: spirals, moons, circles, xor, gaussians, mnist, modular-addition, sequence-task, fuzzy-boolean, teacher, csv, images',
      },
    ]);
  });

  it('reports every bad param at its path, without throwing', () => {
    const { spec, problems } = describeDataset({ name: 'spirals', params: { samples: 5, noise: 'lots', colour: 1 } });
    expect(spec).toBeNull();
    expect(problems.map((p) => [p.path, p.message])).toEqual([
      ['dataset.params.colour', 'dataset "spirals": unknown parameter "colour" (known: samples, noise, classes, turns)'],
      ['dataset.params.samples', 'dataset "spirals": parameter "samples" must be between 10 and 200000, got 5'],
      ['dataset.params.noise', 'dataset "spirals": parameter "noise" must be a finite number, got "lots"'],
    ]);
  });

  it('loadDataset rejects with a DatasetError carrying the same problems', async () => {
    const error = await loadDataset({ name: 'circles', params: { factor: 1 } }, 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetError);
    const problems = (error as DatasetError).problems;
    expect(problems).toHaveLength(1);
    expect(problems[0].path).toBe('dataset.params.factor');
    expect((error as DatasetError).message).toBe('dataset.params.factor: dataset "circles": parameter "factor" must be below 1 (the inner circle must be smaller)');
  });

  it('text params must be text', () => {
    const { problems } = describeDataset({ name: 'csv', params: { path: 3, label: 'y' } });
    expect(problems[0]).toMatchObject({ path: 'dataset.params.path', message: 'dataset "csv": parameter "path" must be text, got 3' });
  });
});
