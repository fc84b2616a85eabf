import type { NodeKind } from '../kind.js';

export const structureKinds: NodeKind<any>[] = [];
