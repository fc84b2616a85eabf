import type { NodeKind } from '../kind.js';
import { MoE } from './moe.js';
import { MoA } from './moa.js';

export const mixtureKinds: NodeKind<any>[] = [MoE, MoA];
