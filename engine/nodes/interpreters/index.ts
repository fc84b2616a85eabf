import type { NodeKind } from '../kind.js';

export const interpreterKinds: NodeKind<any>[] = [];
