import type { NodeKind } from '../kind.js';
import { Linear } from './linear.js';

export const layerKinds: NodeKind<any>[] = [Linear];
