import type { NodeKind } from '../kind.js';
import { ReLU } from './relu.js';

export const activationKinds: NodeKind<any>[] = [ReLU];
