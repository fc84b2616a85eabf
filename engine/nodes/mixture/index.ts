import type { NodeKind } from '../kind.js';

export const mixtureKinds: NodeKind<any>[] = [];
