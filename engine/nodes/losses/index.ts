import type { NodeKind } from '../kind.js';
import { CrossEntropy } from './crossEntropy.js';
import { MSE } from './mse.js';
import { KLDiv } from './klDiv.js';

export const lossKinds: NodeKind<any>[] = [CrossEntropy, MSE, KLDiv];
