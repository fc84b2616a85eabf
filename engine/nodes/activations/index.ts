import type { NodeKind } from '../kind.js';
import { ReLU } from './relu.js';
import { GELU } from './gelu.js';
import { Tanh } from './tanh.js';
import { Sigmoid } from './sigmoid.js';
import { Softmax } from './softmax.js';

export const activationKinds: NodeKind<any>[] = [ReLU, GELU, Tanh, Sigmoid, Softmax];
