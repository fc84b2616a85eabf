import type { NodeKind } from './kind.js';
import { dataKinds } from './data/index.js';
import { layerKinds } from './layers/index.js';
import { activationKinds } from './activations/index.js';
import { structureKinds } from './structure/index.js';
import { mixtureKinds } from './mixture/index.js';
import { interpreterKinds } from './interpreters/index.js';
import { lossKinds } from './losses/index.js';

/** Every node kind, in palette order. A new kind is added to its group's index only. */
export const allKinds: readonly NodeKind<any>[] = [
  ...dataKinds,
  ...layerKinds,
  ...activationKinds,
  ...structureKinds,
  ...mixtureKinds,
  ...interpreterKinds,
  ...lossKinds,
];

const byType = new Map(allKinds.map((k) => [k.type, k]));

export function getKind(type: string): NodeKind<any> | undefined {
  return byType.get(type);
}

export function kindTypes(): string[] {
  return allKinds.map((k) => k.type);
}
