import { loadDataset } from '../data/registry.js';
import type { LoadedDataset } from '../data/spec.js';
import type { DatasetRef } from '../graph/schema.js';

/**
 * The last few loaded datasets, shared by training, resume, previews and analysis:
 * MNIST takes seconds to read and 200 MB to hold, so it is read once and not held
 * many times over. Failed loads are not kept, so a fixed CSV file is read again.
 */
export class DatasetCache {
  private entries = new Map<string, Promise<LoadedDataset>>();

  constructor(private baseDir: string, private capacity = 2) {}

  get(ref: DatasetRef, seed: number): Promise<LoadedDataset> {
    const key = JSON.stringify([ref.name, ref.params ?? {}, ref.testFraction ?? null, seed]);
    const hit = this.entries.get(key);
    if (hit) {
      // Most recently used last, so eviction drops the oldest.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const loading = loadDataset(ref, seed, { baseDir: this.baseDir });
    this.entries.set(key, loading);
    loading.catch(() => {
      if (this.entries.get(key) === loading) this.entries.delete(key);
    });
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return loading;
  }

  clear(): void {
    this.entries.clear();
  }
}
