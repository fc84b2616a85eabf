import type { NodeKind } from '../kind.js';
import { CrossEntropy } from './crossEntropy.js';

export const lossKinds: NodeKind<any>[] = [CrossEntropy];
