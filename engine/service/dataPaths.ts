import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { datasetKinds, describeDataset, type DescribeResult } from '../data/registry.js';
import type { DatasetRef } from '../graph/schema.js';

/**
 * Dataset file parameters (a CSV's path) that lead outside `root`. When the browser
 * mode is exposed to a network, graphs may only read data files in the workspace: a
 * participant must not get the host's files parsed (and quoted in error messages).
 */
export function pathsOutside(ref: DatasetRef, root: string): string[] {
  const kind = datasetKinds.find((k) => k.name === ref.name);
  if (!kind) return [];
  const outside: string[] = [];
  for (const [name, spec] of Object.entries(kind.params)) {
    const value = ref.params?.[name];
    if (spec.kind !== 'string' || spec.format !== 'path' || typeof value !== 'string' || value === '') continue;
    if (!within(root, resolve(root, value))) outside.push(name);
  }
  return outside;
}

/** describeDataset, refusing data files outside `root` before anything is read. */
export function confinedDescribe(root: string): (ref: DatasetRef) => DescribeResult {
  return (ref) => {
    const outside = pathsOutside(ref, root);
    if (outside.length === 0) return describeDataset(ref, { baseDir: root });
    return {
      spec: null,
      problems: outside.map((param) => ({
        severity: 'error' as const,
        code: 'dataset',
        message: `dataset "${ref.name}": parameter "${param}" must name a file in the workspace folder (this server is shared on the network)`,
        param,
        path: `dataset.params.${param}`,
      })),
    };
  };
}

function within(root: string, path: string): boolean {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return p;
    }
  };
  const rel = relative(real(root), real(path));
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}
